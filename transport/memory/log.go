package memory

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

// Log subjects (transport.LogPrefix) are kept in one list, in
// publication order, without limits: tests read them back whole.

var _ transport.Log = (*Transport)(nil)

// appendLogLocked keeps m, a message of a log subject. t.mu must be held.
func (t *Transport) appendLogLocked(m transport.Message) {
	t.log = append(t.log, transport.LogEntry{Message: m, Seq: uint64(len(t.log) + 1), Time: t.clock.Now()})
}

// ReadLog reads the log subjects matching filter (a log subject, or a
// prefix ending with ">") from position from.
func (t *Transport) ReadLog(ctx context.Context, filter string, from transport.LogPosition) (transport.LogReader, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(filter, transport.LogPrefix) {
		return nil, errors.New("transport/memory: " + filter + " is not a log subject filter")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, transport.ErrClosed
	}
	next := 0
	switch {
	case from.New:
		next = len(t.log)
	case from.Seq > 0:
		next = int(min(from.Seq-1, uint64(len(t.log))))
	case !from.Time.IsZero():
		for next < len(t.log) && t.log[next].Time.Before(from.Time) {
			next++
		}
	}
	return &logReader{t: t, filter: filter, next: next}, nil
}

// LogEnd returns the sequence number and time of the last message kept
// on the log subjects that filter matches (0 if none).
func (t *Transport) LogEnd(ctx context.Context, filter string) (uint64, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return 0, time.Time{}, err
	}
	r := &logReader{filter: filter}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := len(t.log) - 1; i >= 0; i-- {
		if r.matches(t.log[i].Subject) {
			return t.log[i].Seq, t.log[i].Time, nil
		}
	}
	return 0, time.Time{}, nil
}

type logReader struct {
	t      *Transport
	filter string
	next   int // index in t.log of the next entry to look at
}

// matches reports whether subject matches the reader's filter.
func (r *logReader) matches(subject string) bool {
	if prefix, ok := strings.CutSuffix(r.filter, ">"); ok {
		return strings.HasPrefix(subject, prefix)
	}
	return subject == r.filter
}

func (r *logReader) Next(ctx context.Context) (transport.LogEntry, error) {
	t := r.t
	for {
		t.mu.Lock()
		for ; r.next < len(t.log); r.next++ {
			e := t.log[r.next]
			if !r.matches(e.Subject) {
				continue
			}
			r.next++
			t.mu.Unlock()
			return e, nil
		}
		closed, changed := t.closed, t.changed
		t.mu.Unlock()
		if closed {
			return transport.LogEntry{}, transport.ErrClosed
		}
		select {
		case <-ctx.Done():
			return transport.LogEntry{}, ctx.Err()
		case <-changed:
		}
	}
}

func (r *logReader) Close() error { return nil }
