// Package transport defines how infinitic-go components exchange messages.
//
// A Transport carries opaque, already-encoded messages between the client,
// the workflow engines and the service executors. Implementations live in
// sub-packages: [github.com/infinitic-go/infinitic/transport/memory] for
// tests and [github.com/infinitic-go/infinitic/transport/natsjs] (NATS
// JetStream, the durable default).
//
// Delivery semantics every implementation must honour (and every engine
// relies on no more than this):
//
//   - at-least-once: a message published without error is delivered until
//     it is acked or terminated; it may be delivered more than once;
//   - no ordering guarantee, not even per key: the key is a partitioning
//     hint for throughput only;
//   - a message with a non-zero DeliverAt is not delivered before that time,
//     and is delivered after it even if every process was down at that time;
//   - publishing a message whose ID was already published recently may be
//     dropped silently (deduplication); engines also dedupe on their own.
package transport

import (
	"context"
	"errors"
	"time"
)

// Message is one unit on the wire.
type Message struct {
	// ID is deterministic for a given logical message, so that a message
	// published twice (for example after a crash) is recognised as the same.
	ID string
	// Subject names the destination. Subjects are opaque to the transport
	// (the engine's are defined in its wire protocol); a transport may map
	// them to its own destinations.
	Subject string
	// Key is the partitioning key (a workflow id): messages with the same
	// key preferably go to the same consumer. Never relied on for correctness.
	Key string
	// Data is the encoded envelope.
	Data []byte
	// DeliverAt, when non-zero, delays delivery until that instant (durable timers).
	DeliverAt time.Time
}

// Delivery is a consumed message waiting for its outcome. Exactly one of
// Ack, Retry or DeadLetter should be called; calling none lets the
// transport redeliver it after its ack timeout.
type Delivery interface {
	// Message returns the delivered message.
	Message() Message
	// Attempt is 1 on first delivery and grows with each redelivery.
	Attempt() int
	// Ack removes the message: it will not be delivered again.
	Ack() error
	// Retry makes the message available again after delay.
	Retry(delay time.Duration) error
	// DeadLetter removes the message from its subject and keeps it, with
	// reason, on the dead-letter subject for inspection.
	DeadLetter(reason string) error
}

// Extender is implemented by deliveries whose ack timeout can be pushed
// back. A consumer that works on one for long (a task) calls Extend more
// often than AckTimeout, so that it is not delivered again while it is
// worked on; if the consumer's process dies, it is delivered again
// AckTimeout after the last Extend.
type Extender interface {
	Delivery
	// Extend restarts the delivery's ack timeout.
	Extend() error
	// AckTimeout is how long the delivery may stay unsettled without Extend.
	AckTimeout() time.Duration
}

// Consumer pulls batches from one subject.
type Consumer interface {
	// Fetch waits until at least one message is available (or maxWait
	// elapses, or ctx is done) and returns up to limit messages.
	// It returns an empty batch, not an error, when maxWait elapses.
	Fetch(ctx context.Context, limit int, maxWait time.Duration) ([]Delivery, error)
	// Close stops the consumer; unacked deliveries will be redelivered.
	Close() error
}

// Transport publishes and consumes messages.
type Transport interface {
	// Publish durably accepts all messages or returns an error; on error
	// some of them may have been accepted (publishing again is safe: IDs
	// are deterministic).
	Publish(ctx context.Context, msgs ...Message) error
	// Consume returns a consumer of subject. Consumers created with the same
	// group share the messages (work queue); each message goes to one of them.
	// A group named with the EphemeralGroup prefix lives as long as its
	// consumers: implementations may delete it once unused for a while.
	Consume(ctx context.Context, subject, group string) (Consumer, error)
	// Close releases the transport's resources.
	Close() error
}

// EphemeralGroup prefixes the name of a group used by one process only
// (a client's results, an executor's task cancels): it may be deleted once
// unused, with the messages only it was waiting for.
const EphemeralGroup = "ephemeral-"

// ErrClosed is returned by operations on a closed transport or consumer.
var ErrClosed = errors.New("transport: closed")

// Limited is implemented by transports that cap the size of a message
// (natsjs: the NATS server's maximum message size). The engine checks the
// messages a workflow step makes against it before saving the step: a
// message too large fails its instance with a clear error, instead of
// failing to publish on every redelivery.
type Limited interface {
	// MaxMessageSize is the largest Message.Data Publish accepts, in
	// bytes; 0 means no limit.
	MaxMessageSize() int
}

// ErrInvalidMessage is wrapped by Publish errors that publishing again
// cannot fix: an invalid subject, ID or Key, or a message over the
// transport's size limit. The engine dead-letters what caused such a
// message rather than retrying it forever.
var ErrInvalidMessage = errors.New("transport: invalid message")
