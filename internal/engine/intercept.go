package engine

import (
	"context"
	"maps"

	"github.com/infinitic-go/infinitic/interceptor"
	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// intercept runs apply, one step of in with envs, through the step
// interceptors. Without interceptors, the step's messages carry the
// instance's headers as they are.
func (e *WorkflowEngine) intercept(ctx context.Context, in *instance, envs []*wire.Envelope, cached bool, apply func() error) {
	origin := originHeaders(in, envs)
	s := &interceptor.Step{Workflow: e.contract.Name, ID: in.id, Origin: origin, Headers: interceptor.Headers{},
		Messages: make([]interceptor.Message, len(envs)), Cached: cached, Replayed: in.replayed}
	for i, env := range envs {
		s.Messages[i] = interceptor.Message{Kind: messageKind(env), Headers: env.Headers}
	}
	wasRunning := in.state != nil && in.state.Status == wire.StatusRunning
	wasStarted := in.state != nil && in.state.Status != 0
	_ = chain(e.Interceptors, func(i interceptor.Interceptor) func(context.Context, interceptor.Next) error {
		return func(ctx context.Context, next interceptor.Next) error { return i.InterceptStep(ctx, s, next) }
	}, func(context.Context) error {
		for k, v := range origin {
			if _, set := s.Headers[k]; !set {
				s.Headers[k] = v
			}
		}
		in.headers, in.observed = s.Headers, s
		defer func() { in.observed = nil }()
		err := apply()
		if st := in.state; st != nil && st.Status != 0 {
			s.Method, s.Started, s.Status = st.Method, st.Started, statusName(st.Status)
			s.New = !wasStarted
			s.Finished = (wasRunning || s.New) && st.Status != wire.StatusRunning
		}
		return err
	})(ctx)
}

// chain returns the call of run through the interceptors' method that
// method picks, the first outermost.
func chain(is []interceptor.Interceptor, method func(interceptor.Interceptor) func(context.Context, interceptor.Next) error, run interceptor.Next) interceptor.Next {
	for i := len(is) - 1; i >= 0; i-- {
		m, next := method(is[i]), run
		run = func(ctx context.Context) error { return m(ctx, next) }
	}
	return run
}

// originHeaders are the headers of the dispatch that started in, or of
// the one among envs that starts it.
func originHeaders(in *instance, envs []*wire.Envelope) map[string]string {
	if in.state != nil && in.state.Status != 0 {
		return in.state.Headers
	}
	for _, env := range envs {
		if env.Kind == wire.KindDispatch && env.Dispatch.Run == "" {
			return env.Headers
		}
	}
	return nil
}

// observeIssued tells the step's interceptors of a command issued at
// position.
func (in *instance) observeIssued(cmd wire.Command, position int) {
	if s := in.observed; s != nil {
		s.Issued = append(s.Issued, interceptor.Command{Kind: cmd.Kind.String(), Target: cmd.Target, Position: position, Issued: cmd.At, Due: cmd.Due})
	}
}

// observeResolved tells the step's interceptors that env resolves the
// command at its position.
func (in *instance) observeResolved(env *wire.Envelope) {
	s, c := in.observed, env.Completed
	if s == nil || in.rt == nil {
		return
	}
	for _, p := range in.rt.Pending() {
		if p.Position == c.Position {
			s.Resolved = append(s.Resolved, resolvedCommand(p, c, env.Headers))
			return
		}
	}
}

func resolvedCommand(p replay.PendingCommand, c *wire.Completed, headers map[string]string) interceptor.Command {
	return interceptor.Command{Kind: p.Command.Kind.String(), Target: p.Command.Target, Position: p.Position,
		Issued: p.Command.At, Due: p.Command.Due, Failed: c.Error != nil, Headers: headers}
}

// messageKind names env's kind for interceptors.
func messageKind(env *wire.Envelope) string {
	switch env.Kind {
	case wire.KindDispatch:
		return "start"
	case wire.KindWait:
		return "await"
	case wire.KindQuery:
		return "get"
	}
	return env.Kind.String()
}

// statusName names a status for interceptors.
func statusName(s wire.Status) string {
	switch s {
	case wire.StatusRunning:
		return "running"
	case wire.StatusCompleted:
		return "completed"
	case wire.StatusFailed:
		return "failed"
	case wire.StatusCanceled:
		return "canceled"
	}
	return ""
}

// runTask runs the attempt it carries, through the task interceptors,
// keeping its delivery alive until it is settled.
func (x *Executor) runTask(ctx context.Context, it item) {
	defer keepAlive(it.d)()
	if len(x.Interceptors) == 0 {
		out, err := x.run(ctx, it.env.Execute, it.d.Attempt())
		x.conclude(ctx, it, out, err, nil)
		return
	}
	// An interceptor that skips the attempt leaves no started event.
	defer it.started.pending()
	ex := it.env.Execute
	t := &interceptor.Task{ID: ex.TaskID, Service: ex.Service, Method: ex.Method, Attempt: ex.Attempt, Delivery: it.d.Attempt(),
		Workflow: ex.Parent.Workflow, WorkflowID: ex.Parent.WorkflowID, Scheduled: it.env.SentAt, Headers: maps.Clone(it.env.Headers)}
	if t.Headers == nil {
		t.Headers = interceptor.Headers{}
	}
	_ = chain(x.Interceptors, func(i interceptor.Interceptor) func(context.Context, interceptor.Next) error {
		return func(ctx context.Context, next interceptor.Next) error { return i.InterceptTask(ctx, t, next) }
	}, func(ctx context.Context) error {
		out, err := x.run(ctx, ex, it.d.Attempt())
		x.conclude(ctx, it, out, err, t)
		return err
	})(ctx)
}
