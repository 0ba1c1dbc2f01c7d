package workflow

import (
	"time"

	"github.com/infinitic-go/infinitic/internal/replay"
)

// HandleCancel makes a cancel of this instance (Run.Cancel, CancelByTag, a
// parent's cancel) reach its code instead of ending it at once, so that it
// can clean up (a Saga compensates: Compensate runs its compensations in a
// Disconnected branch by itself). From the cancel on, what the code waits
// for (tasks, timers, child workflows, receives) ends with the cancel's
// *infinitic.CanceledError, running tasks and child workflows are canceled
// as for any cancel, and what the code asks for afterwards fails at once
// with that error (values sent with Channel.Send or SignalWithStart are
// not sent), except inside Disconnected. When the main method
// returns, the instance ends as canceled (with the method's error if it
// matches infinitic.ErrCanceled, such as a *SagaError caused by the
// cancel). grace bounds the cleanup: if the method still runs grace after
// the cancel, the instance is canceled at once (Describe shows that time as
// its deadline). A second cancel meanwhile changes nothing. Call it once,
// early in the main method, before the steps it protects; a workflow-level
// timeout (client.WithTimeout) still ends the instance at once.
func HandleCancel(ctx Context, grace time.Duration) {
	mustFrom(ctx).HandleCancel(grace)
}

// Canceled returns the *infinitic.CanceledError of the cancel that reached
// the code (see HandleCancel), or nil while the instance is not canceled.
func Canceled(ctx Context) error {
	return mustFrom(ctx).Runtime().Canceled()
}

// Disconnected runs fn in a new branch whose workflow calls a cancel of
// the instance does not fail (Temporal's disconnected context), and
// returns its error once it is done: the cleanup of a canceled instance.
func Disconnected(ctx Context, fn func(ctx Context) error) error {
	co, err := from(ctx)
	if err != nil {
		return err
	}
	f := co.SpawnDetached(func(co *replay.Coroutine) (any, error) {
		return nil, fn(Context(co.Context()))
	})
	co.Await(f)
	_, err = f.Outcome()
	return err
}
