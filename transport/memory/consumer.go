package memory

import (
	"context"
	"errors"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

// consumer is one consumer of a (subject, group) queue.
type consumer struct {
	t       *Transport
	subject string
	group   string
	q       *queue
	closed  bool // guarded by t.mu
}

// clockChanger is implemented by clocks that signal their changes, such as
// *clock.Fake.
type clockChanger interface {
	Changed() <-chan struct{}
}

// Fetch returns up to limit ready messages, waiting up to maxWait (real
// time) for the first one. A maxWait <= 0 does not wait.
func (c *consumer) Fetch(ctx context.Context, limit int, maxWait time.Duration) ([]transport.Delivery, error) {
	if limit <= 0 {
		return nil, errors.New("transport/memory: Fetch limit must be positive")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var timeout <-chan time.Time
	if maxWait > 0 {
		tm := time.NewTimer(maxWait)
		defer tm.Stop()
		timeout = tm.C
	}
	t := c.t
	for {
		var clockChanged <-chan struct{}
		cc, signals := t.clock.(clockChanger)
		if signals {
			clockChanged = cc.Changed() // before Now: no advance is missed
		}
		t.mu.Lock()
		if t.closed || c.closed {
			t.mu.Unlock()
			return nil, transport.ErrClosed
		}
		now := t.clock.Now()
		c.q.promote(now)
		if len(c.q.ready) > 0 {
			ds := c.deliverLocked(now, limit)
			t.mu.Unlock()
			return ds, nil
		}
		if maxWait <= 0 {
			t.mu.Unlock()
			return nil, nil
		}
		changed := t.changed
		var clockFired <-chan time.Time
		if next, ok := c.q.nextWake(); ok && !signals {
			clockFired = t.clock.After(next.Sub(now))
		}
		t.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timeout:
			return nil, nil
		case <-changed:
		case <-clockChanged:
		case <-clockFired:
		}
	}
}

func (c *consumer) deliverLocked(now time.Time, limit int) []transport.Delivery {
	es := c.q.take(limit, c.t.rng)
	ds := make([]transport.Delivery, len(es))
	for i, e := range es {
		e.attempt++
		e.gen++
		e.owner = c
		if c.t.ackTimeout > 0 {
			e.deadline = now.Add(c.t.ackTimeout)
		}
		c.q.inflight[e] = struct{}{}
		m := e.msg
		m.Data = append([]byte(nil), m.Data...)
		ds[i] = &delivery{c: c, e: e, gen: e.gen, msg: m, attempt: e.attempt}
	}
	return ds
}

// Close stops the consumer: its unsettled deliveries become ready again
// at once, and blocked Fetch calls return transport.ErrClosed.
func (c *consumer) Close() error {
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	c.q.consumers--
	for e := range c.q.inflight {
		if e.owner == c {
			c.q.requeue(e)
		}
	}
	t.notifyLocked()
	return nil
}

// delivery is one delivery of an entry.
type delivery struct {
	c       *consumer
	e       *entry
	gen     uint64
	msg     transport.Message
	attempt int
}

func (d *delivery) Message() transport.Message { return d.msg }
func (d *delivery) Attempt() int               { return d.attempt }

// Ack removes the message from the group's queue. Settling a delivery
// that is no longer in flight (already settled, or timed out and
// redelivered) is a no-op; settling a delivery of a closed consumer or
// transport returns transport.ErrClosed (the message was redelivered).
func (d *delivery) Ack() error {
	return d.settle(func(q *queue) { q.acked++ })
}

// Retry makes the message ready again after delay of clock time.
func (d *delivery) Retry(delay time.Duration) error {
	return d.settle(func(q *queue) {
		e := d.e
		if delay > 0 {
			e.at = d.c.t.clock.Now().Add(delay)
		}
		q.add(e)
	})
}

// DeadLetter removes the message and records it in Transport.DeadLetters.
func (d *delivery) DeadLetter(reason string) error {
	return d.settle(func(q *queue) {
		q.acked++
		t := d.c.t
		t.dead = append(t.dead, DeadLetter{
			Message: d.msg, Group: d.c.group, Reason: reason,
			Attempt: d.attempt, At: t.clock.Now(),
		})
	})
}

func (d *delivery) settle(then func(*queue)) error {
	t := d.c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || d.c.closed {
		return transport.ErrClosed
	}
	e := d.e
	if _, ok := d.c.q.inflight[e]; !ok || e.gen != d.gen {
		return nil
	}
	delete(d.c.q.inflight, e)
	e.owner, e.deadline = nil, time.Time{}
	then(d.c.q)
	t.notifyLocked()
	return nil
}
