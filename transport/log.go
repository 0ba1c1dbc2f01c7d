package transport

import (
	"context"
	"time"
)

// LogPrefix begins the log subjects. A message published on a log subject
// is not consumed by groups: it is kept, whether anyone reads it or not,
// within the transport's limits (age, size), and read back in publication
// order with a LogReader, from any position. Deduplication by message ID
// applies as on other subjects. Transports without the Log capability
// accept and drop such messages.
//
// Order: the messages of one Publish call are stored in their order, and
// messages on log subjects before the other messages of the same call,
// so that what a message causes is logged after what caused it.
const LogPrefix = "log."

// Log is implemented by transports that keep log subjects (natsjs,
// memory).
type Log interface {
	// ReadLog returns a reader of the messages of the log subjects that
	// filter matches (a log subject, or a prefix of some ending with
	// ">": "log.events.>"), from position from.
	ReadLog(ctx context.Context, filter string, from LogPosition) (LogReader, error)
	// LogEnd returns the sequence number and the time of the last message
	// kept on the log subjects that filter matches (0 if there is none).
	LogEnd(ctx context.Context, filter string) (seq uint64, at time.Time, err error)
}

// LogPosition says where reading a log starts. The zero value starts at
// the oldest message kept.
type LogPosition struct {
	// Seq, when positive, starts at the message of this sequence number
	// (or the next one kept).
	Seq uint64
	// Time, when not zero, starts at the first message stored at or
	// after it.
	Time time.Time
	// New starts after the last message stored now: only messages
	// published later are read.
	New bool
}

// LogEntry is a message read from a log.
type LogEntry struct {
	Message
	// Seq is the message's position in the log: it grows with each
	// message stored (across the subjects of a log), with gaps.
	Seq uint64
	// Time is when the log stored it.
	Time time.Time
}

// LogReader reads a log in order.
type LogReader interface {
	// Next returns the next message, waiting for one to be published if
	// needed, until ctx is done.
	Next(ctx context.Context) (LogEntry, error)
	// Close releases the reader.
	Close() error
}
