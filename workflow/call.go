package workflow

import (
	"context"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Option tunes a task call, a child-workflow call or a SignalWithStart;
// each option says where it applies, and a call given an option that does
// not apply to it fails.
type Option func(*options)

type options struct {
	timeout         time.Duration
	workflowTimeout time.Duration
	tags            []string
	meta            map[string]string
	batchKey        string
	set             optionSet // the options given
}

// optionSet tells which options a call was given, or accepts.
type optionSet uint8

const (
	optionTimeout optionSet = 1 << iota
	optionTags
	optionMeta
	optionBatchKey
	optionWorkflowTimeout
)

// names of the options, for errors.
var optionNames = []string{"WithTimeout", "WithTags", "WithMeta", "WithBatchKey", "WithWorkflowTimeout"}

// applyOptions applies opts for a call (what) that accepts the options
// in allowed.
func applyOptions(opts []Option, allowed optionSet, what string) (options, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	for i, name := range optionNames {
		if o.set&^allowed&(1<<i) != 0 {
			return o, fmt.Errorf("%w: %s does not apply to %s", infinitic.ErrInvalidContract, name, what)
		}
	}
	return o, nil
}

// WithTimeout bounds how long the caller waits for a child workflow: when
// it elapses first, the Deferred ends with StatusTimedOut and an error
// matching infinitic.ErrTimeout (the child keeps running: to stop it too,
// see WithWorkflowTimeout). Task attempts have their own timeout, set on
// the worker.
func WithTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout, o.set = d, o.set|optionTimeout }
}

// WithWorkflowTimeout gives the child workflow (or the instance that a
// SignalWithStart starts) a deadline, as client.WithTimeout does for a
// client's start: if the child still runs d after its start, its engine
// cancels it and its own children, and the parent gets a
// *infinitic.WorkflowFailedError matching infinitic.ErrWorkflowTimedOut
// (and infinitic.ErrCanceled). The deadline is durable, kept by the
// child's engine. It does not apply to tasks.
func WithWorkflowTimeout(d time.Duration) Option {
	return func(o *options) { o.workflowTimeout, o.set = d, o.set|optionWorkflowTimeout }
}

// WithTags sets the tags of a child workflow.
func WithTags(tags ...string) Option {
	return func(o *options) { o.tags, o.set = tags, o.set|optionTags }
}

// WithBatchKey sets the batch key of a call to a batched service method
// (worker.WithBatch): only calls with the same key are batched together.
func WithBatchKey(key string) Option {
	return func(o *options) { o.batchKey, o.set = key, o.set|optionBatchKey }
}

// WithMeta sets metadata on a task or child workflow.
func WithMeta(meta map[string]string) Option {
	return func(o *options) { o.meta, o.set = meta, o.set|optionMeta }
}

// Dispatch starts a task: method is a method expression of a service
// contract (MyService.MyMethod) and in its argument. The task runs on a
// service worker, with its retry policy; the Deferred finishes when it
// succeeded or failed for good (with a *infinitic.TaskFailedError).
func Dispatch[S, I, O any](ctx Context, method func(S, context.Context, I) (O, error), in I, opts ...Option) Deferred[O] {
	return dispatch[O](ctx, wire.CommandTask, method, in, true, opts)
}

// Call runs a task and waits for its result: Dispatch then Await.
func Call[S, I, O any](ctx Context, method func(S, context.Context, I) (O, error), in I, opts ...Option) (O, error) {
	return Dispatch(ctx, method, in, opts...).Await(ctx)
}

// Dispatch0 is Dispatch for a method without argument.
func Dispatch0[S, O any](ctx Context, method func(S, context.Context) (O, error), opts ...Option) Deferred[O] {
	return dispatch[O](ctx, wire.CommandTask, method, nil, false, opts)
}

// Call0 is Call for a method without argument.
func Call0[S, O any](ctx Context, method func(S, context.Context) (O, error), opts ...Option) (O, error) {
	return Dispatch0(ctx, method, opts...).Await(ctx)
}

// DispatchChild starts a child workflow: method is a method expression of a
// workflow contract (MyWorkflow.MyMethod). The Deferred finishes with the
// child's result, or a *infinitic.WorkflowFailedError.
func DispatchChild[W, I, O any](ctx Context, method func(W, Context, I) (O, error), in I, opts ...Option) Deferred[O] {
	return dispatch[O](ctx, wire.CommandChild, method, in, true, opts)
}

// CallChild runs a child workflow and waits for its result.
func CallChild[W, I, O any](ctx Context, method func(W, Context, I) (O, error), in I, opts ...Option) (O, error) {
	return DispatchChild(ctx, method, in, opts...).Await(ctx)
}

// DispatchChild0 is DispatchChild for a method without argument.
func DispatchChild0[W, O any](ctx Context, method func(W, Context) (O, error), opts ...Option) Deferred[O] {
	return dispatch[O](ctx, wire.CommandChild, method, nil, false, opts)
}

// CallChild0 is CallChild for a method without argument.
func CallChild0[W, O any](ctx Context, method func(W, Context) (O, error), opts ...Option) (O, error) {
	return DispatchChild0(ctx, method, opts...).Await(ctx)
}

func dispatch[O any](ctx Context, kind wire.CommandKind, method any, in any, hasInput bool, opts []Option) Deferred[O] {
	co, err := from(ctx)
	if err != nil {
		return failed[O](err)
	}
	allowed, what := optionTimeout|optionTags|optionMeta|optionBatchKey, "a task"
	if kind == wire.CommandChild {
		allowed, what = allowed|optionWorkflowTimeout, "a child workflow"
	}
	o, err := applyOptions(opts, allowed, what)
	if err != nil {
		return failed[O](err)
	}
	if o.workflowTimeout < 0 {
		return failed[O](fmt.Errorf("%w: workflow timeout %v: must be positive", infinitic.ErrInvalidContract, o.workflowTimeout))
	}
	rt := co.Runtime()
	req, err := request(rt, kind, method, in, hasInput)
	if err != nil {
		return failed[O](err)
	}
	req.Tags, req.Meta, req.BatchKey, req.Timeout = o.tags, o.meta, o.batchKey, o.workflowTimeout
	if kind == wire.CommandChild {
		req.ChildID = wire.ChildID(rt.Info().ID, rt.Info().Run, rt.Issued())
	}
	cmd := co.Issue(req, decoder[O](rt.Codec(), rt.Names()))
	f := cmd
	if o.timeout > 0 {
		f = withTimeout(co, cmd, o.timeout, req.Command.Target)
	}
	return Deferred[O]{f: f, cmd: cmd}
}

// request resolves the wire names of method and encodes its input.
func request(rt *replay.Runtime, kind wire.CommandKind, method any, in any, hasInput bool) (replay.Request, error) {
	m, err := naming.Parse(method)
	if err != nil {
		return replay.Request{}, fmt.Errorf("%w: %w", infinitic.ErrInvalidContract, err)
	}
	contract, err := rt.Names().Contract(m.Contract)
	if err != nil {
		return replay.Request{}, fmt.Errorf("%w: %w", infinitic.ErrInvalidContract, err)
	}
	name := rt.Names().Method(m)
	req := replay.Request{
		Command: wire.Command{Kind: kind, Target: contract + "." + name},
		Service: contract,
		Method:  name,
	}
	if hasInput {
		if req.Input, err = rt.Codec().Marshal(in); err != nil {
			return replay.Request{}, fmt.Errorf("encode argument of %s: %w", req.Command.Target, err)
		}
	}
	return req, nil
}

// withTimeout races f against a timer.
func withTimeout(co *replay.Coroutine, f *replay.Future, d time.Duration, what string) *replay.Future {
	rt := co.Runtime()
	timer := co.Issue(replay.Request{Command: wire.Command{Kind: wire.CommandTimer}, At: rt.Now().Add(d)}, decodeTime)
	return rt.Derived(func(out *replay.Future) {
		switch {
		case f.Settled() && (!timer.Settled() || f.Seq() < timer.Seq()):
			v, err := f.Outcome()
			out.Settle(f.Status(), v, err)
		case timer.Settled():
			out.Settle(replay.TimedOut, nil, &infinitic.TimeoutError{What: fmt.Sprintf("%s did not finish within %v", what, d)})
		}
	})
}
