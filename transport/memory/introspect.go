package memory

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

// Idle reports whether no message is ready to be delivered or in flight in
// any group. Delayed messages whose time has not come, and messages
// buffered on subjects that no group consumes yet, do not count.
func (t *Transport) Idle() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.idleLocked(t.clock.Now())
}

func (t *Transport) idleLocked(now time.Time) bool {
	for _, s := range t.subjects {
		for _, q := range s.groups {
			q.promote(now)
			if len(q.ready) > 0 || len(q.inflight) > 0 {
				return false
			}
		}
	}
	return true
}

// WaitIdle blocks until Idle is true, ctx is done or the transport closes.
// It does not advance any clock: combine it with NextDeliveryTime to skip
// time in tests.
func (t *Transport) WaitIdle(ctx context.Context) error {
	for {
		var clockChanged <-chan struct{}
		if cc, ok := t.clock.(clockChanger); ok {
			clockChanged = cc.Changed()
		}
		t.mu.Lock()
		if t.idleLocked(t.clock.Now()) {
			t.mu.Unlock()
			return nil
		}
		if t.closed {
			t.mu.Unlock()
			return transport.ErrClosed
		}
		changed := t.changed
		t.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		case <-clockChanged:
		}
	}
}

// NextDeliveryTime returns the earliest clock time at which a delayed
// message (DeliverAt or Retry delay) of a consumed group becomes ready,
// and false if there is none.
func (t *Transport) NextDeliveryTime() (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	var next time.Time
	for _, s := range t.subjects {
		for _, q := range s.groups {
			q.promote(now)
			if len(q.delayed) > 0 && (next.IsZero() || q.delayed[0].at.Before(next)) {
				next = q.delayed[0].at
			}
		}
	}
	return next, !next.IsZero()
}

// Pending returns how many message copies of subject are not settled yet:
// ready, delayed or in flight, in every group and in the buffer of a
// subject that no group consumes yet.
func (t *Transport) Pending(subject string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.subjects[subject]
	if s == nil {
		return 0
	}
	n := s.unclaimed.size()
	for _, q := range s.groups {
		n += q.size()
	}
	return n
}

// DeadLetters returns the dead-lettered messages, oldest first.
func (t *Transport) DeadLetters() []DeadLetter {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.dead)
}

// Changed returns a channel closed at the next change of the transport's
// state (publish, settlement, consumer close). Tests can wait on it
// instead of sleeping.
func (t *Transport) Changed() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.changed
}

// Unclaimed returns, by subject, how many messages wait on subjects that
// no group consumes yet.
func (t *Transport) Unclaimed() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]int{}
	for name, s := range t.subjects {
		if n := s.unclaimed.size(); len(s.groups) == 0 && n > 0 {
			out[name] = n
		}
	}
	return out
}

var _ transport.Inspector = (*Transport)(nil)

// Inspect describes every subject that has a consumer group, unclaimed
// messages or dead letters (transport.Inspector).
func (t *Transport) Inspect(context.Context) ([]transport.SubjectInfo, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clock.Now()
	dead := map[string]int{}
	for _, dl := range t.dead {
		dead[dl.Message.Subject]++
	}
	var out []transport.SubjectInfo
	for name, s := range t.subjects {
		info := transport.SubjectInfo{Subject: name, DeadLetters: dead[name]}
		delete(dead, name)
		if n := s.unclaimed.size(); n > 0 {
			info.Groups = append(info.Groups, transport.GroupInfo{Pending: n})
		}
		for group, q := range s.groups {
			q.promote(now)
			g := transport.GroupInfo{Group: group, Pending: len(q.ready) + len(q.delayed), InFlight: len(q.inflight), Acked: q.acked, Consumers: q.consumers}
			for e := range q.inflight {
				if e.attempt > 1 {
					g.Redelivered++
				}
			}
			info.Groups = append(info.Groups, g)
		}
		slices.SortFunc(info.Groups, func(a, b transport.GroupInfo) int { return strings.Compare(a.Group, b.Group) })
		if len(info.Groups) > 0 || info.DeadLetters > 0 {
			out = append(out, info)
		}
	}
	for name, n := range dead {
		out = append(out, transport.SubjectInfo{Subject: name, DeadLetters: n})
	}
	slices.SortFunc(out, func(a, b transport.SubjectInfo) int { return strings.Compare(a.Subject, b.Subject) })
	return out, nil
}

// InspectDeadLetters returns up to limit dead letters of subject (all
// when subject is ""), oldest first (transport.Inspector).
func (t *Transport) InspectDeadLetters(_ context.Context, subject string, limit int) ([]transport.DeadLetter, error) {
	var out []transport.DeadLetter
	for _, dl := range t.DeadLetters() {
		if len(out) == limit {
			break
		}
		if subject == "" || dl.Message.Subject == subject {
			out = append(out, transport.DeadLetter(dl))
		}
	}
	return out, nil
}
