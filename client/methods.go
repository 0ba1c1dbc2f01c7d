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
	return startMethod[O](ctx, c, method, id, in, true)
}

// StartMethod0 is StartMethod for a method without argument.
func StartMethod0[W, O any](ctx context.Context, c *Client, method func(W, workflow.Context) (O, error), id string) (*Run[O], error) {
	return startMethod[O](ctx, c, method, id, nil, false)
}

func startMethod[O any](ctx context.Context, c *Client, method any, id string, in any, hasInput bool) (*Run[O], error) {
	call, err := c.methodCall(method, in, hasInput)
	if err != nil {
		return nil, err
	}
	runID := uuid.NewString()
	w, err := c.conn.Start(ctx, call.workflow, id, call.dispatch(runID))
	if err != nil {
		return nil, call.failed(id, err)
	}
	return &Run[O]{c: c, id: id, workflow: call.workflow, key: runID, w: w, watching: true}, nil
}

// methodCall is a method resolved and its argument encoded, ready to be
// started on instances.
type methodCall struct {
	workflow string
	method   string
	input    []byte
}

func (c *Client) methodCall(method any, in any, hasInput bool) (methodCall, error) {
	name, methodName, err := c.resolve(method)
	if err != nil {
		return methodCall{}, err
	}
	input, err := c.encodeInput(name, methodName, in, hasInput)
	return methodCall{workflow: name, method: methodName, input: input}, err
}

// dispatch is the start of the method as method run runID.
func (m methodCall) dispatch(runID string) *wire.Dispatch {
	return &wire.Dispatch{Method: m.method, Input: m.input, Run: runID, Request: runID}
}

func (m methodCall) failed(id string, err error) error {
	return fmt.Errorf("client: start %s.%s on %s: %w", m.workflow, m.method, id, err)
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
	if err := wire.DecodeValue(c.cfg.Codec, c.names, output, &out); err != nil {
		return zero, fmt.Errorf("%w: result of getter %s.%s into %T: %w", infinitic.ErrDecode, name, methodName, out, err)
	}
	return out, nil
}
