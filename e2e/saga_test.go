package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Books is a service whose steps a saga undoes.
type Books interface {
	Step(ctx context.Context, n int) (int, error)         // fails for n = 4
	Undo(ctx context.Context, n int) (int, error)         // logs "undo n"
	UndoTogether(ctx context.Context, n int) (int, error) // returns once 3 undos run at once
	BrokenUndo(ctx context.Context, n int) (int, error)   // always fails
}

type books struct {
	mu       sync.Mutex
	log      []string
	together map[int]bool
	all      chan struct{} // closed when 3 UndoTogether run at once
}

func newBooks() *books { return &books{together: map[int]bool{}, all: make(chan struct{})} }

func (l *books) record(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.log = append(l.log, s)
}

func (l *books) entries() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.log)
}

func (l *books) Step(_ context.Context, n int) (int, error) {
	if n == 4 {
		return 0, infinitic.NonRetryable(fmt.Errorf("step %d failed", n))
	}
	return n, nil
}

func (l *books) Undo(_ context.Context, n int) (int, error) {
	l.record(fmt.Sprintf("undo %d", n))
	return n, nil
}

func (l *books) UndoTogether(ctx context.Context, n int) (int, error) {
	l.mu.Lock()
	l.together[n] = true
	if len(l.together) == 3 {
		close(l.all)
	}
	l.mu.Unlock()
	select {
	case <-l.all:
		return n, nil
	case <-time.After(time.Minute): // a guard: sequential compensations never get there
		return 0, infinitic.NonRetryable(fmt.Errorf("undo %d: the other compensations did not run at the same time", n))
	}
}

func (l *books) BrokenUndo(_ context.Context, n int) (int, error) {
	l.record(fmt.Sprintf("broken undo %d", n))
	return 0, infinitic.NonRetryable(fmt.Errorf("cannot undo %d", n))
}

// SagaTrips runs steps 1 to 4 (step 4 fails), compensating in a saga.
type SagaTrips interface {
	Sequential(ctx workflow.Context, steps int) (string, error)
	Parallel(ctx workflow.Context, steps int) (string, error)
	Retried(ctx workflow.Context, steps int) (string, error)
}

type sagaTrips struct{}

// run runs steps 1..steps, registering undo(n) after each success.
func runSagaSteps(ctx workflow.Context, saga *workflow.Saga, steps int, undo func(n int) func(workflow.Context) error) (string, error) {
	for n := 1; n <= steps; n++ {
		if _, err := workflow.Call(ctx, Books.Step, n); err != nil {
			return "", saga.Compensate(ctx, err)
		}
		saga.Add(undo(n))
	}
	return "done", nil
}

func (sagaTrips) Sequential(ctx workflow.Context, steps int) (string, error) {
	return runSagaSteps(ctx, workflow.NewSaga(), steps, func(n int) func(workflow.Context) error {
		return workflow.Undo(Books.Undo, n)
	})
}

func (sagaTrips) Parallel(ctx workflow.Context, steps int) (string, error) {
	return runSagaSteps(ctx, workflow.NewSaga(workflow.SagaParallel()), steps, func(n int) func(workflow.Context) error {
		return workflow.Undo(Books.UndoTogether, n)
	})
}

// Retried: the compensation of step 2 fails, and is run again twice.
func (sagaTrips) Retried(ctx workflow.Context, steps int) (string, error) {
	saga := workflow.NewSaga(workflow.SagaRetry(infinitic.RetryPolicy{MaxRetries: 2, MinDelay: time.Millisecond}))
	return runSagaSteps(ctx, saga, steps, func(n int) func(workflow.Context) error {
		if n == 2 {
			return workflow.Undo(Books.BrokenUndo, n)
		}
		return workflow.Undo(Books.Undo, n)
	})
}

// A saga compensates the steps that succeeded when a later one fails: in
// reverse order, or all at once; a compensation that fails is run again,
// then its error joins the step's in the workflow's error.
func TestSagaCompensates(t *testing.T) {
	var l *books
	onBackends(t, func(t *testing.T, w *worker.Worker) {
		l = newBooks()
		if err := errors.Join(worker.AddService[Books](w, l), worker.AddWorkflow(w, func() SagaTrips { return sagaTrips{} })); err != nil {
			t.Fatal(err)
		}
	}, func(t *testing.T, d *deployment) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()

		if out, err := client.Execute(ctx, d.Client, SagaTrips.Sequential, 3); err != nil || out != "done" {
			t.Fatalf("no failure: %q %v", out, err)
		}
		if got := l.entries(); len(got) != 0 {
			t.Fatalf("compensated without failure: %q", got)
		}

		_, err := client.Execute(ctx, d.Client, SagaTrips.Sequential, 4)
		var task *infinitic.TaskFailedError
		if !errors.As(err, &task) || task.Method != "Step" || !strings.Contains(infinitic.ErrorChain(err), "step 4 failed; saga compensated") {
			t.Fatalf("sequential: want the step's failure, got:\n%s", infinitic.ErrorChain(err))
		}
		if got, want := l.entries(), []string{"undo 3", "undo 2", "undo 1"}; !slices.Equal(got, want) {
			t.Fatalf("sequential compensations: %q, want %q", got, want)
		}

		if _, err := client.Execute(ctx, d.Client, SagaTrips.Parallel, 4); !errors.As(err, &task) || strings.Contains(err.Error(), "compensation(s) failed") {
			t.Fatalf("parallel: want the step's failure only, got:\n%s", infinitic.ErrorChain(err))
		}

		l.mu.Lock()
		l.log = nil
		l.mu.Unlock()
		_, err = client.Execute(ctx, d.Client, SagaTrips.Retried, 4)
		chain := infinitic.ErrorChain(err)
		if !errors.As(err, &task) || !strings.Contains(chain, "step 4 failed; saga compensated, 1 compensation(s) failed") ||
			!strings.Contains(chain, "cannot undo 2") {
			t.Fatalf("retried: want the step's failure and the compensation's, got:\n%s", chain)
		}
		if got, want := l.entries(), []string{"undo 3", "broken undo 2", "broken undo 2", "broken undo 2", "undo 1"}; !slices.Equal(got, want) {
			t.Fatalf("retried compensations: %q, want %q", got, want)
		}
	})
}
