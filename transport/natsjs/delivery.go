package natsjs

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/transport"
)

// deadLetterTimeout bounds the publication of a dead letter.
const deadLetterTimeout = 30 * time.Second

// delivery is one delivered JetStream message, or one message of a
// delivered pack (pk, whose NATS message is m).
type delivery struct {
	c       *consumer
	m       *nats.Msg
	pk      *pack
	attempt int
	msg     transport.Message
}

func (d *delivery) Message() transport.Message { return d.msg }
func (d *delivery) Attempt() int               { return d.attempt }

var _ transport.Extender = (*delivery)(nil)

// Extend tells the server that the message is still worked on (an "in
// progress" ack: its AckWait starts again). For a message of a pack, it
// is the pack's. It does nothing once the delivery is settled.
func (d *delivery) Extend() error {
	c := d.c
	c.mu.Lock()
	_, pending := c.pending[d]
	c.mu.Unlock()
	if !pending {
		return nil
	}
	return d.m.InProgress()
}

// AckTimeout is the consumer's AckWait.
func (d *delivery) AckTimeout() time.Duration { return d.c.t.cfg.AckWait }

// Ack acknowledges the message without waiting for the server's
// confirmation: if the ack is lost, the message is redelivered after
// AckWait. When the server group-commits (Transport.GroupCommit), the ack
// is sent after its next fsync round, so that the message is removed only
// once what its processing wrote is on disk (if that round fails, the
// message is naked: redelivered at once). Settling a delivery twice is a
// no-op; settling it after its consumer was closed returns
// transport.ErrClosed and sends nothing.
// A message of a pack is settled on its own, and its pack acked once all
// are.
func (d *delivery) Ack() error { return d.settle(d.release) }

// release acks d's NATS message, or, for a message of a pack, the pack
// once every message it carries is settled.
func (d *delivery) release() error {
	if d.pk != nil && !d.pk.settled() {
		return nil
	}
	g := d.c.t.synced
	if g == nil {
		err := d.m.Ack()
		if err != nil && d.pk != nil {
			d.pk.unsettled() // settled again, it will ack again
		}
		return err
	}
	g.Then(func(err error) {
		if err != nil {
			_ = d.m.Nak()
			return
		}
		_ = d.m.Ack() // lost: redelivered after AckWait
	})
	return nil
}

// Retry naks the message with delay: the server redelivers it after delay
// (at once when delay <= 0). A message of a pack is published again
// apart, delayed, carrying its attempt (its pack's other messages are not
// redelivered with it).
func (d *delivery) Retry(delay time.Duration) error {
	return d.settle(func() error {
		if d.pk != nil {
			if err := d.publishApart(delay); err != nil {
				return err
			}
			return d.release()
		}
		if delay <= 0 {
			return d.m.Nak()
		}
		return d.m.NakWithDelay(delay)
	})
}

// publishApart publishes d's message alone, due after delay, as the retry
// of attempt d.attempt: its message ID is unique to that attempt, so that
// neither the stream's deduplication nor a pending timer of an earlier
// retry swallows it.
func (d *delivery) publishApart(delay time.Duration) error {
	t := d.c.t
	m := d.msg
	now := time.Now()
	if delay > 0 {
		m.DeliverAt = now.Add(delay)
	}
	if m.ID != "" {
		m.ID += ":retry:" + strconv.Itoa(d.attempt)
	}
	nm, err := t.subj.encode(m, now)
	if err != nil {
		return err
	}
	nm.Header[hdrID] = []string{d.msg.ID} // the message's own ID for its consumer
	nm.Header[hdrAttempt] = []string{strconv.Itoa(d.attempt)}
	ctx, cancel := context.WithTimeout(context.Background(), deadLetterTimeout)
	defer cancel()
	if _, err := t.js.PublishMsg(ctx, nm); err != nil {
		return fmt.Errorf("transport/natsjs: retry %q: %w", d.msg.ID, err)
	}
	return t.durable(ctx) // the copy first, then the pack's ack
}

// DeadLetter stores a copy of the message with reason on the dead-letter
// stream, waits for its acknowledgement, then terminates the message so
// that it is never redelivered. If storing the copy fails, the message is
// left unsettled (it will be redelivered) and the error is returned.
func (d *delivery) DeadLetter(reason string) error {
	return d.settle(func() error {
		t := d.c.t
		nm := t.subj.encodeDeadLetter(d.msg, d.c.group, reason, d.attempt)
		ctx, cancel := context.WithTimeout(context.Background(), deadLetterTimeout)
		defer cancel()
		var opts []jetstream.PublishOpt
		if d.msg.ID != "" {
			opts = append(opts, jetstream.WithMsgID("dlq:"+d.c.group+":"+d.msg.ID))
		}
		if _, err := t.js.PublishMsg(ctx, nm, opts...); err != nil {
			return fmt.Errorf("transport/natsjs: dead letter %q: %w", d.msg.ID, err)
		}
		if err := t.durable(ctx); err != nil { // the copy first, then the removal
			return err
		}
		if d.pk != nil {
			return d.release()
		}
		return d.m.Term() // TermWithReason needs server 2.10.4+; the reason is in the copy
	})
}

// settle runs f once for an unsettled delivery of an open consumer.
func (d *delivery) settle(f func() error) error {
	c := d.c
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return transport.ErrClosed
	}
	if _, ok := c.pending[d]; !ok {
		c.mu.Unlock()
		return nil
	}
	delete(c.pending, d)
	c.mu.Unlock()
	if err := f(); err != nil {
		c.mu.Lock()
		if !c.closed {
			c.pending[d] = struct{}{} // still ours to settle
		}
		c.mu.Unlock()
		return err
	}
	return nil
}
