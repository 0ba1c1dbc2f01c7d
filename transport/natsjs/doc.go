// Package natsjs is a [transport.Transport] on NATS JetStream, the durable
// default of infinitic-go. It works the same with the embedded server
// (package embedded) and with an external server or cluster: it only needs
// a *nats.Conn.
//
// # Layout
//
// With the default Config (Prefix "inf", Stream "INFINITIC"):
//
//   - one stream INFINITIC, with Interest retention, holds the messages
//     of every subject, as "inf.m.<subject>.<partition>", and the pending
//     timers, as "inf.s.<timer>". A message is removed once every group
//     consuming its subject has acked it;
//   - each (subject, group) is one durable pull consumer filtering
//     "inf.m.<subject>.*" with explicit acks, Config.AckWait and unlimited
//     redeliveries. All transport consumers of a group share it, so each
//     message goes to one of them (work queue);
//   - a stream INFINITIC_DLQ, with Limits retention, keeps dead letters as
//     "inf.dlq.<subject>" (see Transport.DeadLetters).
//
// # Groups and buffering
//
// Interest retention drops a message that no consumer is interested in,
// so Publish makes sure, once per subject and Transport, that the
// subject's primary consumer exists, creating it unclaimed if needed. The
// first group that consumes the subject claims the primary consumer (its
// name is stored in the consumer's description) and so receives every
// message published before it existed. A group created later on a subject
// that already has a group gets its own consumer, which only receives
// messages published after its creation. Two groups claiming the same
// unclaimed subject at the same instant may both use the primary consumer
// (they then share its messages): create the consumers of different
// groups of one subject one after the other.
//
// # Reconnects
//
// A pull request lives on the server that received it. When the
// connection reconnects (after a server restart, for example), fetches
// waiting on a pull request abandon it and pull again at once, instead of
// waiting for it to expire (Fetch's maxWait).
//
// # Partitions
//
// Message.Key is hashed into one of Config.Partitions partition tokens
// appended to the subject. Consumers read every partition of their
// subject, so partitioning never affects correctness; it prepares
// partition-affine consumers and keeps per-subject indexes small.
//
// # Timers
//
// A message whose DeliverAt is in the future is published as a JetStream
// message schedule (stream AllowMsgSchedules): a message on its own timer
// subject "inf.s.<hash of subject and ID>" with the headers
// "Nats-Schedule: @at <RFC3339 time>" and "Nats-Schedule-Target:
// inf.m.<subject>.<partition>". The server stores it durably, publishes
// it to the target at that time (or at start-up, when the time passed
// while the server was down) and removes the schedule. Only one schedule
// is kept per timer subject, so republishing the same timer replaces it.
// A durable consumer named "timers", never read, keeps the timer subjects
// interesting to the Interest-retention stream.
//
// Message schedules need nats-server 2.12 or later. On older servers
// (Config.Timers TimersAuto detects the version, TimersRedelivery forces
// it) a delayed message is published at once with its DeliverAt in a
// header, and a consumer that receives it early naks it with the
// remaining delay: as durable, but each pending timer holds one of the
// group's MaxAckPending slots and counts in Attempt.
//
// # Deduplication and publishing
//
// Message.ID is sent as Nats-Msg-Id: the stream drops a message whose ID
// it saw within Config.DedupWindow (default 30 seconds). Publish sends
// asynchronously with at most Config.MaxPendingPublishes in flight and
// waits for every acknowledgement; when the client stalls it waits and
// retries, it never drops a message.
//
// # Packs
//
// The server's work is per NATS message (store, deliver, ack, remove),
// whatever its size, so the messages of one subject that one Publish
// sends, up to Config.PackSize (64) and the server's maximum message
// size, travel as one NATS message, a pack: header "Inf-Pack: <count>",
// the messages' IDs, keys and data in its body, and a Nats-Msg-Id made
// from their IDs (the same messages packed again are dropped as a copy).
// Publish calls made while another is under way wait for it and go out
// together, so concurrent calls (a client's starts) share packs too; a
// call alone is sent at once. Messages due later (timers), log messages
// and task messages ("svc.<Service>": a copy would run the task again,
// and the engine counts on the stream's deduplication by message ID to
// drop the copies it publishes when it reloads an instance) are never
// packed. A consumer hands the messages of a pack out one by one (keeping
// those beyond a Fetch's limit for the next Fetch), and they are settled
// one by one: the pack is acked once all are. A pack is redelivered
// whole when its consumer closes, or its AckWait passes, before all its
// messages are settled: the consumers of packed subjects (engines,
// clients) drop the copies of what they already applied. Inspect counts
// a pack as one message. PackSize 1 turns packing off.
//
// # Settlement
//
// Ack acks (fire and forget: a lost ack means a redelivery); Retry(delay)
// is NakWithDelay; DeadLetter publishes a copy with the reason to the
// dead-letter stream, waits for its acknowledgement, then terminates the
// message. For a message of a pack, Retry publishes it again apart
// (delayed, its attempt carried in the "Inf-Attempt" header) and
// DeadLetter keeps its copy; both then count it as settled in its pack.
// Extend (transport.Extender) sends an "in progress" ack: the delivery's
// AckWait starts again (the executor extends a running task's delivery
// every third of it).
// Consumer.Close naks the consumer's unsettled deliveries (their packs)
// so that they are redelivered at once; settling them afterwards returns
// transport.ErrClosed and sends nothing.
package natsjs
