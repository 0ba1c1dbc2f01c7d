// Package memory is an in-process [transport.Transport] for tests.
//
// It keeps every message in memory and honours the transport contract
// (at-least-once, DeliverAt, deduplication, dead letters) with time read
// from a [clock.Clock], so that a test driving a [*clock.Fake] can skip
// hours of delays instantly.
//
// # Queues and groups
//
// Each (subject, group) pair has its own work queue: every message
// published on a subject is copied into the queue of each group of that
// subject, and each copy is delivered to one consumer of the group.
// A group's queue is created by its first Consume. Messages published on a
// subject that has no group yet are buffered, and the first group to
// consume the subject adopts that buffer; a group created later on a
// subject that already has groups only receives messages published after
// its creation. The empty group name is the group named "default".
//
// # Time
//
// DeliverAt, Retry delays, the deduplication window and the optional ack
// timeout are measured on the transport's clock. With a [*clock.Fake],
// blocked Fetch calls wake up when the clock is advanced. The maxWait of
// Fetch is real (wall-clock) time: it is a polling parameter, not a
// business delay.
//
// # Deduplication
//
// A message whose non-empty ID was published less than the dedup window
// ago (default 2 minutes of clock time, like JetStream) is dropped
// silently. Messages with an empty ID are never deduplicated.
//
// # Introspection and fault injection
//
// [Transport.Idle], [Transport.WaitIdle], [Transport.Pending],
// [Transport.NextDeliveryTime] and [Transport.DeadLetters] let tests know
// what is left to do; [WithDuplicates] and [WithReorder] make the transport
// deliver every message twice and in a random order, to check that engines
// do not depend on exactly-once or ordered delivery.
package memory
