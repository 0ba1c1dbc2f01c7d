package e2e_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// CancelableTrip books steps in a saga, then waits for a go: canceled
// meanwhile, it compensates if it handles cancels.
type CancelableTrip interface {
	Book(ctx workflow.Context, steps int) (string, error)
	// Plain does not handle cancels: a cancel ends it at once.
	Plain(ctx workflow.Context, steps int) (string, error)
	// Parent books step 10, then a Book of steps as a child.
	Parent(ctx workflow.Context, steps int) (string, error)
}

var tripGo = workflow.NewChannel[CancelableTrip, string]("go")

type cancelableTrip struct{}

func bookThenWait(ctx workflow.Context, steps int) (string, error) {
	saga := workflow.NewSaga()
	out, err := runSagaSteps(ctx, saga, steps, func(n int) func(workflow.Context) error { return workflow.Undo(Books.Undo, n) })
	if err != nil {
		return out, err
	}
	if _, err := tripGo.Receive(ctx).Await(ctx); err != nil {
		return "", saga.Compensate(ctx, err)
	}
	return "done", nil
}

func (cancelableTrip) Book(ctx workflow.Context, steps int) (string, error) {
	workflow.HandleCancel(ctx, time.Hour)
	return bookThenWait(ctx, steps)
}

func (cancelableTrip) Plain(ctx workflow.Context, steps int) (string, error) {
	return bookThenWait(ctx, steps)
}

func (cancelableTrip) Parent(ctx workflow.Context, steps int) (string, error) {
	workflow.HandleCancel(ctx, time.Hour)
	saga := workflow.NewSaga()
	if _, err := workflow.Call(ctx, Books.Step, 10); err != nil {
		return "", err
	}
	saga.Add(workflow.Undo(Books.Undo, 10))
	if _, err := workflow.CallChild(ctx, CancelableTrip.Book, steps); err != nil {
		return "", saga.Compensate(ctx, err)
	}
	return "done", nil
}

// A canceled instance that handles cancels (workflow.HandleCancel) runs
// its saga's compensations, then ends canceled; one that does not stops at
// once; a parent's cancel reaches its child, and both compensate. Also
// with every step replayed from the history.
func TestSagaCompensatesOnCancel(t *testing.T) {
	for _, c := range []struct {
		name string
		opts []worker.WorkflowOption
	}{{"live", nil}, {"replayed", []worker.WorkflowOption{worker.WithCacheSize(0)}}} {
		t.Run(c.name, func(t *testing.T) { testSagaCancel(t, c.opts) })
	}
}

func testSagaCancel(t *testing.T, opts []worker.WorkflowOption) {
	var l *books
	onBackends(t, func(t *testing.T, w *worker.Worker) {
		l = newBooks()
		if err := errors.Join(worker.AddService[Books](w, l), worker.AddWorkflow(w, func() CancelableTrip { return cancelableTrip{} }, opts...)); err != nil {
			t.Fatal(err)
		}
	}, func(t *testing.T, d *deployment) {
		for _, tc := range []struct {
			name   string
			method func(CancelableTrip, workflow.Context, int) (string, error)
			waiter string // the instance that waits for the go: "" itself, ".1" its child
			want   []string
		}{
			{"handles cancels", CancelableTrip.Book, "", []string{"undo 2", "undo 1"}},
			{"does not handle cancels", CancelableTrip.Plain, "", nil},
			{"parent and child", CancelableTrip.Parent, ".1", []string{"undo 1", "undo 10", "undo 2"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ctx := testCtx(t)
				l.mu.Lock()
				l.log = nil
				l.mu.Unlock()
				run, err := client.Start(ctx, d.Client, tc.method, 2)
				if err != nil {
					t.Fatal(err)
				}
				waitForReceive(ctx, t, d.Transport, d.Store, "CancelableTrip", run.ID()+tc.waiter)
				if err := run.Cancel(ctx, "trip off"); err != nil {
					t.Fatal(err)
				}
				_, err = run.Await(ctx)
				if !errors.Is(err, infinitic.ErrCanceled) || !strings.Contains(infinitic.ErrorChain(err), "trip off") {
					t.Fatalf("want canceled (trip off), got:\n%s", infinitic.ErrorChain(err))
				}
				if desc, err := run.Describe(ctx); err != nil || desc.Status != client.StatusCanceled {
					t.Fatalf("describe: %v, %v; want canceled", desc.Status, err)
				}
				if tc.waiter != "" {
					// The parent does not wait for its child's cleanup: the
					// child ends canceled by its parent once compensated.
					child, _ := client.Attach(d.Client, CancelableTrip.Book, run.ID()+tc.waiter)
					if _, err := child.Await(ctx); !errors.Is(err, infinitic.ErrCanceled) {
						t.Fatalf("child: want canceled, got %v", err)
					}
				}
				got := l.entries()
				if tc.waiter != "" { // the parent and its child compensate at the same time
					slices.Sort(got)
					slices.Sort(tc.want)
				}
				if !slices.Equal(got, tc.want) {
					t.Fatalf("compensations %q, want %q", got, tc.want)
				}
			})
		}
	})
}
