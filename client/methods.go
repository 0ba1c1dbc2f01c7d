package client

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/workflow"
)

// StartMethod starts method on the running instance id, in parallel with
// its other methods (Infinitic's parallel methods): it runs on the same
// implementation object, so it reads and changes the fields the other
// methods see. The returned Run awaits this method's own result. If the
// instance's main method ends first, Await fails with
// infinitic.ErrWorkflowFinished.
func StartMethod[W, I, O any](ctx context.Context, c *Client, method func(W, workflow.Context, I) (O, error), id string, in I) (*Run[O], error) {
	name, methodName, err := c.resolve(method)
	if err != nil {
		return nil, err
	}
	input, err := c.cfg.Codec.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("client: encode argument of %s.%s: %w", name, methodName, err)
	}
	runID := uuid.NewString()
	run := &Run[O]{c: c, id: id, workflow: name, key: runID, w: c.watch(runID)}
	d := &wire.Dispatch{Method: methodName, Input: input, Waiter: c.id, Run: runID, Request: runID}
	if err := c.publish(ctx, wire.StartMessage(name, id, d)); err != nil {
		c.unwatch(runID)
		return nil, fmt.Errorf("client: start %s.%s on %s: %w", name, methodName, id, err)
	}
	return run, nil
}

// Get calls getter on the running instance id and returns its result: a
// getter is a workflow method without argument that only reads the
// instance's fields (Infinitic's properties). It sees the fields as they
// are after the last event the instance processed; calling the workflow
// API to do anything (tasks, timers, Async, waiting...) fails.
func Get[W, O any](ctx context.Context, c *Client, getter func(W, workflow.Context) (O, error), id string) (O, error) {
	var zero O
	name, methodName, err := c.resolve(getter)
	if err != nil {
		return zero, err
	}
	q := &wire.Query{ID: uuid.NewString(), Method: methodName, ReplyTo: c.id}
	var out O
	err = c.request(ctx, q.ID, func() error {
		return c.publish(ctx, wire.QueryMessage(name, id, q))
	}, func(output []byte) error {
		if len(output) == 0 {
			return nil
		}
		if err := c.cfg.Codec.Unmarshal(output, &out); err != nil {
			return fmt.Errorf("%w: result of getter %s.%s into %T: %w", infinitic.ErrDecode, name, methodName, out, err)
		}
		return nil
	})
	return out, err
}
