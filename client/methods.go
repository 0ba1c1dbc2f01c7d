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
	w, err := c.conn.Start(ctx, name, id, &wire.Dispatch{Method: methodName, Input: input, Run: runID, Request: runID})
	if err != nil {
		return nil, fmt.Errorf("client: start %s.%s on %s: %w", name, methodName, id, err)
	}
	return &Run[O]{c: c, id: id, workflow: name, key: runID, w: w}, nil
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
	output, err := c.conn.Query(ctx, name, id, methodName)
	if err != nil || len(output) == 0 {
		return zero, err
	}
	var out O
	if err := c.cfg.Codec.Unmarshal(output, &out); err != nil {
		return zero, fmt.Errorf("%w: result of getter %s.%s into %T: %w", infinitic.ErrDecode, name, methodName, out, err)
	}
	return out, nil
}
