package workflow

import (
	"fmt"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// ContinueAsNew returns the error that, returned by the main method of
// the instance, restarts it with method (a method of the same workflow,
// usually the same one) and input in, and an empty history:
//
//	func (account) Run(ctx workflow.Context, balance int) (int, error) {
//		for range 100 {
//			op, err := Operations.Receive(ctx).Await(ctx)
//			if err != nil {
//				return 0, err
//			}
//			balance += op.Amount
//		}
//		return 0, workflow.ContinueAsNew(ctx, Account.Run, balance)
//	}
//
// The instance keeps its id, tags, custom id, parent and deadline
// (client.WithTimeout); the callers awaiting it get the outcome of the
// last run; values sent to its channels that no Receive took are kept for
// the next run's receives. What the run still waits for is canceled: its
// tasks and child workflows (timers are forgotten); method runs started in
// parallel end with infinitic.ErrWorkflowFinished. Use it for long-lived
// workflows (an entity that lives for months, a polling loop), whose
// history would otherwise grow without end (see worker.WithHistoryLimits).
//
// Returned from anywhere else (a method run in parallel, an Async branch
// whose error the code returns from a method run), it fails that run. The
// main method may wrap it: the engine finds it with errors.As.
func ContinueAsNew[W, I, O any](ctx Context, method func(W, Context, I) (O, error), in I) error {
	return continueAsNew(ctx, method, in, true)
}

// ContinueAsNew0 is ContinueAsNew for a method without argument.
func ContinueAsNew0[W, O any](ctx Context, method func(W, Context) (O, error)) error {
	return continueAsNew(ctx, method, nil, false)
}

func continueAsNew(ctx Context, method any, in any, hasInput bool) error {
	co, err := from(ctx)
	if err != nil {
		return err
	}
	rt := co.Runtime()
	req, err := request(rt, wire.CommandChild, method, in, hasInput)
	if err != nil {
		return err
	}
	if req.Service != rt.Info().Workflow {
		return fmt.Errorf("%w: ContinueAsNew with %s: a method of workflow %s is needed", infinitic.ErrInvalidContract,
			req.Command.Target, rt.Info().Workflow)
	}
	return &replay.ContinueAsNew{Method: req.Method, Input: req.Input}
}
