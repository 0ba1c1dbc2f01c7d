// Package workflow is the API of workflow code: what a workflow method
// may call to run tasks, child workflows, timers and channels.
//
// A workflow is a Go interface (the contract) and an implementation whose
// methods look like
//
//	Method(ctx workflow.Context, in In) (Out, error)
//
// The engine runs these methods deterministically from the instance's
// history: each call below is recorded as a command at a position; when
// the code runs again (after a crash, a cache eviction, or on another
// worker), a command already in the history returns its recorded outcome
// instead of running again. Waiting costs nothing: the instance is stored
// and resumed when something happens, possibly months later.
//
// # Rules of determinism
//
// Workflow code must do the same thing every time it runs with the same
// history. So, in workflow code:
//
//   - call services with Call/Dispatch, other workflows with
//     CallChild/DispatchChild, never directly;
//   - use Now, Rand and NewUUID instead of time.Now, math/rand and uuid;
//   - use Timer/Sleep instead of time.Sleep, Async instead of goroutines,
//     Any/AnyOf/All instead of select;
//   - put short non-deterministic code (reading a config) in Inline;
//   - do not read or write global state that other code changes.
//
// `infinitic vet ./...` (or go vet with cmd/infinitic-vet) reports code that
// breaks these rules: see package workflowcheck.
//
// A replay that does not match its history (a command of another kind or
// target at a position) fails the instance with a
// *infinitic.NonDeterminismError naming the workflow, method and
// position. Change running workflows with versions (worker.WithVersion), or
// fix and retry (client Run.RetryWorkflowTask).
//
// # Tasks and child workflows
//
// Method expressions name what to call, typed at compile time:
//
//	img, err := workflow.Call(ctx, ImageUtil.Download, url)
//	d := workflow.Dispatch(ctx, ImageUtil.Resize, in)  // Deferred[[]byte]
//	out, err := workflow.CallChild(ctx, Billing.Charge, order, workflow.WithTimeout(time.Hour))
//
// A task that failed after its retries surfaces as a
// *infinitic.TaskFailedError; a failed child as a
// *infinitic.WorkflowFailedError. Both keep the whole cause chain.
//
// # Parallel code
//
// Async runs a branch of workflow code; All joins Deferreds, Any and AnyOf
// race them. Branches are not goroutines: they run one at a time in a
// fixed order, so the same history always gives the same execution.
//
// # Timers and channels
//
// Timer, TimerUntil and Sleep are durable: they fire even if every
// process was down at that time. A Channel receives values sent by
// clients (client.Send) or other workflows (Channel.Send); race a Receive
// against a Timer with AnyOf to wait for an answer or a deadline.
//
// # Sagas
//
// A Saga undoes the steps that succeeded when a later one fails: Add the
// compensation of each step after it succeeds (Undo for a service call),
// and Compensate on failure, which runs them in reverse order (or at once
// with SagaParallel) and returns a *SagaError with the step's error and
// the compensations' errors. Compensations are not run when the instance
// is canceled (a canceled instance stops at once).
//
// # Cancel
//
// Deferred.Cancel cancels a task, timer or child workflow from workflow
// code; a canceled workflow's running children are canceled too.
package workflow
