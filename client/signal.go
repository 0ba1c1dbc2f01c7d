package client

import (
	"context"
	"fmt"
	"reflect"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/workflow"
)

// Send sends v to channel ch of the running instance id of workflow W and
// waits until its engine stored it: a nil error means the value is in the
// instance's history (received now or kept for a later Receive). It fails
// with infinitic.ErrWorkflowFinished when the instance already ended. A
// value sent to an id that has not started yet is kept until it starts
// (its dispatch may still be on its way), for the engine's early message
// life (worker.WithEarlyMessageLife, default 1 minute): if the instance
// has not started by then, Send fails with infinitic.ErrInstanceNotFound
// and the value is dropped. When ctx ends first, Send returns ctx.Err()
// (the value may then still be delivered).
func Send[W, T any](ctx context.Context, c *Client, ch workflow.Channel[W, T], id string, v T) error {
	if err := ch.Err(); err != nil {
		return err
	}
	name, err := c.names.Contract(reflect.TypeFor[W]())
	if err != nil {
		return fmt.Errorf("client: %w: %w", infinitic.ErrInvalidContract, err)
	}
	payload, err := wire.EncodeChannelValue(c.cfg.Codec, c.names, ch.Name(), ch.VariantTypes(), v)
	if err != nil {
		return fmt.Errorf("client: encode value for channel %s: %w", ch.Name(), err)
	}
	return c.conn.Signal(ctx, name, id, ch.Name(), payload)
}
