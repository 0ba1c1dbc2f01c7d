package natsjs

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/transport"
)

// deadLetterTimeout bounds the publication of a dead letter.
const deadLetterTimeout = 30 * time.Second

// delivery is one delivered JetStream message.
type delivery struct {
	c       *consumer
	m       *nats.Msg
	attempt int
	msg     transport.Message
}

func (d *delivery) Message() transport.Message { return d.msg }
func (d *delivery) Attempt() int               { return d.attempt }

// Ack acknowledges the message without waiting for the server's
// confirmation: if the ack is lost, the message is redelivered after
// AckWait. When the server group-commits (Transport.GroupCommit), the ack
// is sent after its next fsync round, so that the message is removed only
// once what its processing wrote is on disk (if that round fails, the
// message is naked: redelivered at once). Settling a delivery twice is a
// no-op; settling it after its consumer was closed returns
// transport.ErrClosed and sends nothing.
func (d *delivery) Ack() error {
	return d.settle(func() error {
		g := d.c.t.synced
		if g == nil {
			return d.m.Ack()
		}
		g.Then(func(err error) {
			if err != nil {
				_ = d.m.Nak()
				return
			}
			_ = d.m.Ack() // lost: redelivered after AckWait
		})
		return nil
	})
}

// Retry naks the message with delay: the server redelivers it after delay
// (at once when delay <= 0).
func (d *delivery) Retry(delay time.Duration) error {
	return d.settle(func() error {
		if delay <= 0 {
			return d.m.Nak()
		}
		return d.m.NakWithDelay(delay)
	})
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
