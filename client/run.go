package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/conn"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/workflow"
)

// StartOption tunes Start.
type StartOption func(*startOptions)

type startOptions struct {
	id       string
	customID string
	tags     []string
	meta     map[string]string
	timeout  time.Duration
}

// WithID sets the workflow id instead of a random UUID. Starting twice with
// the same id starts one instance: the second call joins the first.
func WithID(id string) StartOption { return func(o *startOptions) { o.id = id } }

// WithCustomID gives the workflow a custom id (Infinitic's unique
// "customId:" tag): at most one instance of the workflow runs per custom
// id, always. Starting while one runs joins it (the returned Run is that
// instance: nothing starts twice); starting after it finished (completed,
// canceled or failed) starts a new instance, which then owns the custom
// id: RetryTasks or RetryWorkflowTask on the failed one is refused with
// infinitic.ErrCustomIDInUse while the new one runs. An instance deleted
// by worker.WithRetention frees its custom id. The instance is tagged
// "customId:<customID>". It needs Config.Store, where the custom id is
// claimed with compare-and-set.
func WithCustomID(customID string) StartOption {
	return func(o *startOptions) { o.customID = customID }
}

// WithTags sets the workflow's tags.
func WithTags(tags ...string) StartOption { return func(o *startOptions) { o.tags = tags } }

// WithTimeout gives the instance a deadline: if it still runs d after its
// start, its engine cancels it and its running child workflows, and its
// callers get a *infinitic.WorkflowFailedError matching
// infinitic.ErrWorkflowTimedOut (and infinitic.ErrCanceled: its status is
// StatusCanceled). The deadline is durable (a delayed message, kept across
// restarts); it spans the runs of an instance that continues as new, and
// RetryTasks or RetryWorkflowTask on a failed instance gives it d again,
// from the retry. A Start that joins a running instance (WithID,
// WithCustomID) does not change its deadline.
func WithTimeout(d time.Duration) StartOption { return func(o *startOptions) { o.timeout = d } }

// WithMeta sets the workflow's metadata.
func WithMeta(meta map[string]string) StartOption { return func(o *startOptions) { o.meta = meta } }

// Run is a handle on a workflow instance (or on a method run started on
// one). It is safe for concurrent use: Await, RetryTasks, Cancel... may be
// called from several goroutines at once, and several handles (Attach, in
// this process or others) may point to the same instance.
type Run[O any] struct {
	c        *Client
	id       string
	workflow string
	key      string // the waiter's key: the id, or a method run's id

	mu       sync.Mutex
	w        *conn.Waiter // the outcome awaited: set by Start, or asked by Await
	watching bool         // w is registered in the connection
}

// ID returns the workflow id.
func (r *Run[O]) ID() string { return r.id }

// Start dispatches a workflow and returns at once with its handle: method
// is a method expression of a workflow contract (MyWorkflow.MyMethod). When
// Start returns nil, the dispatch is durably accepted by the transport.
func Start[W, I, O any](ctx context.Context, c *Client, method func(W, workflow.Context, I) (O, error), in I, opts ...StartOption) (*Run[O], error) {
	return start[O](ctx, c, method, in, true, opts)
}

// Start0 is Start for a method without argument.
func Start0[W, O any](ctx context.Context, c *Client, method func(W, workflow.Context) (O, error), opts ...StartOption) (*Run[O], error) {
	return start[O](ctx, c, method, nil, false, opts)
}

// Execute starts a workflow and waits for its result (Start then Await).
func Execute[W, I, O any](ctx context.Context, c *Client, method func(W, workflow.Context, I) (O, error), in I, opts ...StartOption) (O, error) {
	run, err := Start(ctx, c, method, in, opts...)
	if err != nil {
		var zero O
		return zero, err
	}
	return run.Await(ctx)
}

// Attach returns a handle on the instance id of method's workflow, whose
// Await returns the result of method, its main method. It does no I/O:
// an id without instance shows when the handle is used
// (infinitic.ErrInstanceNotFound).
func Attach[W, I, O any](c *Client, method func(W, workflow.Context, I) (O, error), id string) (*Run[O], error) {
	return attach[O](c, method, id)
}

// Attach0 is Attach for a main method without argument.
func Attach0[W, O any](c *Client, method func(W, workflow.Context) (O, error), id string) (*Run[O], error) {
	return attach[O](c, method, id)
}

func attach[O any](c *Client, method any, id string) (*Run[O], error) {
	name, _, err := c.resolve(method)
	if err != nil {
		return nil, err
	}
	return &Run[O]{c: c, id: id, workflow: name, key: id}, nil
}

// encodeInput encodes the argument of a call of name.method, if it has one.
func (c *Client) encodeInput(name, method string, in any, hasInput bool) ([]byte, error) {
	if !hasInput {
		return nil, nil
	}
	b, err := c.cfg.Codec.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("client: encode argument of %s.%s: %w", name, method, err)
	}
	return b, nil
}

func (c *Client) resolve(method any) (workflowName, methodName string, err error) {
	m, err := naming.Parse(method)
	if err != nil {
		return "", "", fmt.Errorf("client: %w: %w", infinitic.ErrInvalidContract, err)
	}
	if workflowName, err = c.names.Contract(m.Contract); err != nil {
		return "", "", fmt.Errorf("client: %w: %w", infinitic.ErrInvalidContract, err)
	}
	return workflowName, c.names.Method(m), nil
}

func start[O any](ctx context.Context, c *Client, method any, in any, hasInput bool, opts []StartOption) (*Run[O], error) {
	start, err := c.instance(method, in, hasInput, opts)
	if err != nil {
		return nil, err
	}
	if start.CustomID != "" && c.cfg.Store == nil {
		return nil, errors.New("client: Config.Store is required for custom ids")
	}
	id, w, err := c.conn.StartInstance(ctx, c.cfg.Store, start)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return &Run[O]{c: c, id: id, workflow: start.Workflow, key: id, w: w, watching: true}, nil
}

// instance is the start of method(in) with opts.
func (c *Client) instance(method any, in any, hasInput bool, opts []StartOption) (conn.Instance, error) {
	name, methodName, err := c.resolve(method)
	if err != nil {
		return conn.Instance{}, err
	}
	var o startOptions
	for _, opt := range opts {
		opt(&o)
	}
	input, err := c.encodeInput(name, methodName, in, hasInput)
	if err != nil {
		return conn.Instance{}, err
	}
	return conn.Instance{Workflow: name, Method: methodName, ID: o.id, CustomID: o.customID, Tags: o.tags, Meta: o.meta,
		Input: input, Timeout: o.timeout}, nil
}

// Await waits for the workflow's outcome: its result, or a
// *infinitic.WorkflowFailedError with the whole cause chain, or
// infinitic.ErrInstanceNotFound. It returns ctx.Err() if ctx ends first; the
// workflow keeps running and Await may be called again. It returns
// ErrClosed once the client is closed.
//
// A successful outcome is final. After a failure (or an unknown id), each
// later Await asks the engine again, so it returns the new outcome of an
// instance that RetryTasks or RetryWorkflowTask ran again, whichever handle
// retried it. Concurrent Awaits share one wait.
func (r *Run[O]) Await(ctx context.Context) (O, error) {
	var zero O
	w, err := r.waiter(ctx)
	if err != nil {
		return zero, fmt.Errorf("client: await %s %s: %w", r.workflow, r.id, err)
	}
	res, err := r.c.conn.Wait(ctx, w)
	if errors.Is(err, ErrClosed) {
		return zero, fmt.Errorf("client: await %s %s: %w", r.workflow, r.id, err)
	}
	if err != nil {
		return zero, err
	}
	r.settled(w)
	output, err := conn.Outcome(r.workflow, r.id, res)
	if err != nil {
		return zero, err
	}
	var out O
	if len(output) > 0 {
		if err := wire.DecodeValue(r.c.cfg.Codec, r.c.names, output, &out); err != nil {
			return zero, fmt.Errorf("%w: result of %s %s into %T: %w", infinitic.ErrDecode, r.workflow, r.id, out, err)
		}
	}
	return out, nil
}

// waiter returns the outcome to wait for: the one pending, or a new one
// asked from the engine when there is none yet or the last was not a
// success (the instance may run again). A method run is asked only once:
// its outcome is final.
func (r *Run[O]) waiter(ctx context.Context) (*conn.Waiter, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w != nil {
		res, done := r.w.Result()
		if !done || r.key != r.id || (res.Error == nil && !res.Unknown) {
			return r.w, nil
		}
	}
	if r.watching {
		r.c.conn.Unwatch(r.key, r.w)
	}
	w, err := r.c.conn.AskOutcome(ctx, r.workflow, r.id)
	if err != nil {
		r.w, r.watching = nil, false
		return nil, err
	}
	r.w, r.watching = w, true
	return w, nil
}

// settled releases w from the connection once it has its outcome (the
// handle keeps it, to answer the next Await).
func (r *Run[O]) settled(w *conn.Waiter) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w == w && r.watching {
		r.c.conn.Unwatch(r.key, w)
		r.watching = false
	}
}

// Execute0 is Execute for a method without argument.
func Execute0[W, O any](ctx context.Context, c *Client, method func(W, workflow.Context) (O, error), opts ...StartOption) (O, error) {
	run, err := Start0(ctx, c, method, opts...)
	if err != nil {
		var zero O
		return zero, err
	}
	return run.Await(ctx)
}

// Cancel cancels the workflow instance and, recursively, its running child
// workflows, and waits until its engine applied it. Callers awaiting it get
// a *infinitic.WorkflowFailedError matching infinitic.ErrCanceled. It fails
// with infinitic.ErrWorkflowFinished when the instance already ended; for
// an id that has not started yet it waits like Send: the cancel applies if
// the instance starts within the engine's early message life
// (worker.WithEarlyMessageLife, default 1 minute), else it fails with
// infinitic.ErrInstanceNotFound.
func (r *Run[O]) Cancel(ctx context.Context, reason string) error {
	return r.c.conn.Cancel(ctx, r.workflow, r.id, reason)
}
