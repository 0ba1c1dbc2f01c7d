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

// SignalWithStart sends v to channel ch of the instance of W that opts
// name (WithID or WithCustomID), starting it first with method(in) if it
// does not run, and waits until its engine stored the value, like Send. It
// returns a handle on the instance that got v (Await asks its engine for
// the outcome).
//
// It is one message, applied by the engine of the instance in one step, so
// it is atomic: of two concurrent SignalWithStart calls for one id (or one
// racing a Start), one starts the instance and the other joins it; both
// values are received, by one instance. The start options (tags, meta,
// timeout, the input) apply only if this call starts the instance.
//
// By WithCustomID no Config.Store is needed (the engine claims the custom
// id): when the instance owning the custom id has ended, a new instance
// starts and gets v (Temporal's signal-with-start starts a new run the
// same way). By WithID, an id names one instance for good: if it has
// ended, v is refused with infinitic.ErrWorkflowFinished. Without either,
// a new instance starts. When ctx ends first, SignalWithStart returns
// ctx.Err() (the value may then still be delivered).
func SignalWithStart[W, I, O, T any](ctx context.Context, c *Client, ch workflow.Channel[W, T], v T,
	method func(W, workflow.Context, I) (O, error), in I, opts ...StartOption) (*Run[O], error) {
	return signalWithStart[O](ctx, c, ch.Name(), ch.Err(), ch.VariantTypes(), v, method, in, true, opts)
}

// SignalWithStart0 is SignalWithStart for a main method without argument.
func SignalWithStart0[W, O, T any](ctx context.Context, c *Client, ch workflow.Channel[W, T], v T,
	method func(W, workflow.Context) (O, error), opts ...StartOption) (*Run[O], error) {
	return signalWithStart[O](ctx, c, ch.Name(), ch.Err(), ch.VariantTypes(), v, method, nil, false, opts)
}

func signalWithStart[O any](ctx context.Context, c *Client, channel string, declErr error, variants []reflect.Type, v any,
	method any, in any, hasInput bool, opts []StartOption) (*Run[O], error) {
	if declErr != nil {
		return nil, declErr
	}
	start, err := c.instance(method, in, hasInput, opts)
	if err != nil {
		return nil, err
	}
	payload, err := wire.EncodeChannelValue(c.cfg.Codec, c.names, channel, variants, v)
	if err != nil {
		return nil, fmt.Errorf("client: encode value for channel %s: %w", channel, err)
	}
	id, err := c.conn.SignalWithStart(ctx, start, channel, payload)
	if err != nil {
		return nil, fmt.Errorf("client: signal-with-start %s %s: %w", start.Workflow, id, err)
	}
	return &Run[O]{c: c, id: id, workflow: start.Workflow, key: id}, nil
}
