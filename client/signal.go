package client

import (
	"context"
	"fmt"
	"reflect"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/workflow"
)

// Send sends v to channel ch of the running instance id of workflow W and
// waits until its engine stored it: a nil error means the value is in the
// instance's history (received now or kept for a later Receive). It fails
// with infinitic.ErrWorkflowFinished when the instance already ended. A
// value sent to an id that has not started yet is kept until it starts
// (its dispatch may still be on its way): bound the wait with ctx, which
// Send returns as ctx.Err() (the value may then still be delivered).
func Send[W, T any](ctx context.Context, c *Client, ch workflow.Channel[W, T], id string, v T) error {
	if err := ch.Err(); err != nil {
		return err
	}
	name, err := c.names.Contract(reflect.TypeFor[W]())
	if err != nil {
		return fmt.Errorf("client: %w: %w", infinitic.ErrInvalidContract, err)
	}
	payload, err := ch.Encode(c.cfg.Codec, v)
	if err != nil {
		return fmt.Errorf("client: encode value for channel %s: %w", ch.Name(), err)
	}
	sig := &wire.Signal{ID: uuid.NewString(), Channel: ch.Name(), Payload: payload, ReplyTo: c.id}
	return c.request(ctx, sig.ID, func() error {
		return c.publish(ctx, wire.SignalMessage(name, id, sig))
	}, nil)
}

// request sends with publish and waits for the reply to requestID; a
// successful reply's output goes to decode, if any.
func (c *Client) request(ctx context.Context, requestID string, publish func() error, decode func([]byte) error) error {
	ch := make(chan *wire.Reply, 1)
	c.mu.Lock()
	c.replies[requestID] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.replies, requestID)
		c.mu.Unlock()
	}()
	if err := publish(); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return ErrClosed
	case r := <-ch:
		if err := wire.ToError(r.Error); err != nil || decode == nil {
			return err
		}
		return decode(r.Output)
	}
}

func (c *Client) deliverReply(r *wire.Reply) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.replies[r.Request]; ok {
		select {
		case ch <- r:
		default: // a duplicate
		}
	}
}
