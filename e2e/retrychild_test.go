package e2e_test

import (
	"errors"
	"sync/atomic"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// RetriedParent checks (a task that fails until switched on), starts a
// child either way, and fails after starting it if the check failed.
type RetriedParent interface {
	Run(ctx workflow.Context, _ int) (string, error)
}

// WaitingKid waits for a note.
type WaitingKid interface {
	Wait(ctx workflow.Context, _ int) (string, error)
}

var KidNotes = workflow.NewChannel[WaitingKid, string]("notes")

type retriedParent struct{}

func (retriedParent) Run(ctx workflow.Context, _ int) (string, error) {
	_, err := workflow.Call(ctx, Switch.Check, 1)
	kid := workflow.DispatchChild(ctx, WaitingKid.Wait, 0)
	if err != nil {
		return "", err
	}
	return kid.Await(ctx)
}

type waitingKid struct{}

func (waitingKid) Wait(ctx workflow.Context, _ int) (string, error) {
	return KidNotes.Receive(ctx).Await(ctx)
}

// TestRetriedParentGetsItsRunningChild: RetryTasks cuts the parent's
// history before its child command, so the retried code issues it again,
// in a new generation, while the child (same id) still runs. The child's
// outcome must reach the parent with that generation (an outcome of the
// old one is ignored as belonging to a dropped command): the parent's new
// dispatch is a new message (its id carries the generation) and updates
// the child's parent reference.
func TestRetriedParentGetsItsRunningChild(t *testing.T) {
	on := &atomic.Bool{}
	register := func(t *testing.T, w *worker.Worker) {
		if err := errors.Join(
			worker.AddService[Switch](w, switchImpl{on, &atomic.Int64{}}, worker.WithRetry(infinitic.NoRetry)),
			worker.AddWorkflow(w, func() RetriedParent { return retriedParent{} }),
			worker.AddWorkflow(w, func() WaitingKid { return waitingKid{} }),
		); err != nil {
			t.Fatal(err)
		}
	}
	onBackends(t, register, func(t *testing.T, d *deployment) {
		on.Store(false)
		ctx := testCtx(t)
		run, err := client.Start(ctx, d.Client, RetriedParent.Run, 0)
		if err != nil {
			t.Fatal(err)
		}
		var task *infinitic.TaskFailedError
		if _, err := run.Await(ctx); !errors.As(err, &task) {
			t.Fatalf("want a task failure, got %v", err)
		}
		on.Store(true)
		if err := run.RetryTasks(ctx); err != nil {
			t.Fatal(err)
		}
		kidID := wire.ChildID(run.ID(), 0, 1)
		d.waitFor(ctx, t, "the child asked again by the retried parent", func() bool {
			st, err := wire.ReadState(ctx, d.Store, "WaitingKid", kidID)
			return err == nil && st.Parent != nil && st.Parent.Gen == 1
		})
		if err := client.Send(ctx, d.Client, KidNotes, kidID, "hello"); err != nil {
			t.Fatal(err)
		}
		if got, err := run.Await(ctx); err != nil || got != "hello" {
			t.Fatalf("got %q, %v; want hello", got, err)
		}
	})
}
