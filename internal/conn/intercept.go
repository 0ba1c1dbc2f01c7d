package conn

import (
	"context"

	"github.com/infinitic-go/infinitic/interceptor"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// intercept runs send, which sends m, through the interceptors; the
// headers they set go with m.
func (c *Conn) intercept(ctx context.Context, m wire.Message, send interceptor.Next) error {
	if len(c.interceptors) == 0 {
		return send(ctx)
	}
	env := m.Envelope
	call := &interceptor.Call{Workflow: env.Workflow, ID: env.WorkflowID, Headers: interceptor.Headers{}}
	switch {
	case env.Dispatch != nil:
		call.Op, call.Method = "start", env.Dispatch.Method
	case env.Wait != nil:
		call.Op = "await"
	case env.Signal != nil:
		call.Op, call.Method = "send", env.Signal.Channel
	case env.Cancel != nil:
		call.Op = "cancel"
	case env.Query != nil:
		call.Op, call.Method = "get", env.Query.Method
	case env.Admin != nil:
		call.Op = env.Admin.Op
	}
	run := func(ctx context.Context) error {
		if len(call.Headers) > 0 {
			env.Headers = call.Headers
		}
		return send(ctx)
	}
	for i := len(c.interceptors) - 1; i >= 0; i-- {
		in, next := c.interceptors[i], run
		run = func(ctx context.Context) error { return in.InterceptCall(ctx, call, next) }
	}
	return run(ctx)
}
