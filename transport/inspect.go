package transport

import (
	"context"
	"time"
)

// Inspector is implemented by transports that can describe their
// subjects to operators; the dashboard's workers and streams page reads
// it. transport/natsjs and transport/memory implement it. Figures are a
// snapshot: they change while they are read. Counts are the broker's:
// transport/natsjs counts a pack (messages of one subject published
// together, see its package doc) as one message.
type Inspector interface {
	// Inspect returns every subject that has a consumer group or dead
	// letters, sorted by subject.
	Inspect(ctx context.Context) ([]SubjectInfo, error)
	// InspectDeadLetters returns up to limit dead letters of subject (all
	// subjects when subject is ""), oldest first.
	InspectDeadLetters(ctx context.Context, subject string, limit int) ([]DeadLetter, error)
}

// SubjectInfo describes a subject: its consumer groups and dead letters.
type SubjectInfo struct {
	// Subject is the transport subject ("svc.Greeter", "wf.Orders").
	Subject string
	// Groups are its consumer groups, sorted by name.
	Groups []GroupInfo
	// DeadLetters is how many dead letters of the subject are kept.
	DeadLetters int
}

// GroupInfo describes a consumer group of a subject.
type GroupInfo struct {
	// Group is the group's name; "" for messages kept for the first group
	// while no group consumes the subject.
	Group string
	// Pending is how many messages wait for a delivery (delayed ones
	// included).
	Pending int
	// InFlight is how many delivered messages are neither acknowledged nor
	// retried yet.
	InFlight int
	// Redelivered is how many in-flight messages are redeliveries.
	Redelivered int
	// Acked is how many messages the group has settled since it was
	// created (acknowledged or dead-lettered): its throughput is the
	// difference of two readings.
	Acked uint64
	// Consumers is how many consumers the group has, as far as the
	// transport can tell: transport/natsjs counts the fetches waiting at
	// the server (idle workers), transport/memory its open consumers.
	Consumers int
}

// DeadLetter is a message that a consumer gave up on
// (Delivery.DeadLetter), as an Inspector returns it.
type DeadLetter struct {
	// Message is the dead-lettered message.
	Message Message
	// Group is the group of the consumer that dead-lettered it.
	Group string
	// Reason is the reason given to Delivery.DeadLetter.
	Reason string
	// Attempt is the attempt of the dead-lettered delivery.
	Attempt int
	// At is when it was dead-lettered.
	At time.Time
}
