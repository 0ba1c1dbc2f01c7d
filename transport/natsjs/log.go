package natsjs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/transport"
)

// Log subjects (transport.LogPrefix) live in a stream of their own,
// Config.LogStream, with Limits retention: messages are kept until they
// are older than Config.LogMaxAge or the stream outgrows
// Config.LogMaxBytes (the oldest go first), whoever reads them.

var _ transport.Log = (*Transport)(nil)

// Defaults of the log stream.
const (
	DefaultLogMaxAge      = 7 * 24 * time.Hour
	DefaultLogMaxBytes    = 1 << 30
	DefaultLogDedupWindow = 2 * time.Minute
)

// isLog reports whether subject is a log subject.
func isLog(subject string) bool { return strings.HasPrefix(subject, transport.LogPrefix) }

// logSubject is the NATS subject of log subject (or filter) subject.
func (s subjects) logSubject(subject string) string { return s.prefix + "." + subject }

// logs is the subject of the log stream.
func (s subjects) logs() string { return s.logSubject(transport.LogPrefix + ">") }

// setupLog creates or updates the log stream. A server whose storage
// cannot reserve LogMaxBytes (a small disk) gets a log stream half as
// large, and so on down to 1 MiB, with a warning: workflows must not stop
// for want of room for their events.
func (t *Transport) setupLog(ctx context.Context) error {
	maxBytes := t.cfg.LogMaxBytes
	for {
		err := t.ensureStream(ctx, jetstream.StreamConfig{
			Name:        t.cfg.LogStream,
			Description: "infinitic logs (the event stream)",
			Subjects:    []string{t.subj.logs()},
			Retention:   jetstream.LimitsPolicy,
			Storage:     t.cfg.Storage,
			Replicas:    t.cfg.Replicas,
			MaxAge:      t.cfg.LogMaxAge,
			MaxBytes:    maxBytes,
			Discard:     jetstream.DiscardOld,
			Duplicates:  t.cfg.LogDedupWindow,
		})
		var apiErr *jetstream.APIError
		if errors.As(err, &apiErr) && apiErr.ErrorCode == errCodeInsufficientStorage && maxBytes > 2<<20 {
			maxBytes /= 2
			continue
		}
		if err != nil {
			return fmt.Errorf("transport/natsjs: create stream %s: %w", t.cfg.LogStream, err)
		}
		if maxBytes != t.cfg.LogMaxBytes {
			t.cfg.Logger.Warn("the server cannot reserve the log stream's size: using a smaller one (set LogMaxBytes, or give JetStream more storage)",
				"stream", t.cfg.LogStream, "maxBytes", maxBytes, "configured", t.cfg.LogMaxBytes)
		}
		return nil
	}
}

// errCodeInsufficientStorage is JetStream's "insufficient storage
// resources available" (no constant in nats.go).
const errCodeInsufficientStorage jetstream.ErrorCode = 10047

// ReadLog reads the log subjects matching filter from position from,
// with an ordered consumer (recreated by the client after a gap, such as
// a reconnect).
func (t *Transport) ReadLog(ctx context.Context, filter string, from transport.LogPosition) (transport.LogReader, error) {
	if t.isClosed() {
		return nil, transport.ErrClosed
	}
	if !isLog(filter) || !validFilter(filter) {
		return nil, fmt.Errorf("transport/natsjs: %q is not a log subject filter", filter)
	}
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: []string{t.subj.logSubject(filter)}, DeliverPolicy: jetstream.DeliverAllPolicy}
	switch {
	case from.New:
		cfg.DeliverPolicy = jetstream.DeliverNewPolicy
	case from.Seq > 0:
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, from.Seq
	case !from.Time.IsZero():
		at := from.Time
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &at
	}
	oc, err := t.js.OrderedConsumer(ctx, t.cfg.LogStream, cfg)
	if err != nil {
		return nil, fmt.Errorf("transport/natsjs: read %s: %w", filter, err)
	}
	it, err := oc.Messages()
	if err != nil {
		return nil, fmt.Errorf("transport/natsjs: read %s: %w", filter, err)
	}
	return &logReader{it: it, prefix: t.subj.prefix + "."}, nil
}

// LogEnd returns the stream sequence and time of the last message kept on
// the log subjects that filter matches (0 if none).
func (t *Transport) LogEnd(ctx context.Context, filter string) (uint64, time.Time, error) {
	if !isLog(filter) || !validFilter(filter) {
		return 0, time.Time{}, fmt.Errorf("transport/natsjs: %q is not a log subject filter", filter)
	}
	s, err := t.js.Stream(ctx, t.cfg.LogStream)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("transport/natsjs: log end of %s: %w", filter, err)
	}
	m, err := s.GetLastMsgForSubject(ctx, t.subj.logSubject(filter))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("transport/natsjs: log end of %s: %w", filter, err)
	}
	return m.Sequence, m.Time, nil
}

// validFilter reports whether s is a literal subject, or one ending with
// the token ">".
func validFilter(s string) bool {
	if rest, ok := strings.CutSuffix(s, ".>"); ok {
		return validSubject(rest)
	}
	return validSubject(s)
}

type logReader struct {
	it     jetstream.MessagesContext
	prefix string
}

func (r *logReader) Next(ctx context.Context) (transport.LogEntry, error) {
	for {
		m, err := r.it.Next(jetstream.NextContext(ctx))
		switch {
		case errors.Is(err, jetstream.ErrMsgIteratorClosed):
			return transport.LogEntry{}, transport.ErrClosed
		case err != nil && ctx.Err() != nil:
			return transport.LogEntry{}, ctx.Err()
		case err != nil:
			return transport.LogEntry{}, fmt.Errorf("transport/natsjs: read log: %w", err)
		}
		meta, err := m.Metadata()
		if err != nil {
			continue // not a stream message
		}
		msg := decode(strings.TrimPrefix(m.Subject(), r.prefix), m.Headers(), m.Data())
		return transport.LogEntry{Message: msg, Seq: meta.Sequence.Stream, Time: meta.Timestamp}, nil
	}
}

func (r *logReader) Close() error {
	r.it.Stop()
	return nil
}
