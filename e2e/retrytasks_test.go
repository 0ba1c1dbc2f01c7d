package e2e_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Switch is a service that fails until it is switched on.
type Switch interface {
	Check(ctx context.Context, n int) (int, error)
}

type switchImpl struct {
	on    *atomic.Bool
	calls *atomic.Int64
}

func (s switchImpl) Check(ctx context.Context, n int) (int, error) {
	s.calls.Add(1)
	if !s.on.Load() {
		return 0, errors.New("switched off")
	}
	return n * 10, nil
}

type Gated interface {
	Run(ctx workflow.Context, n int) (int, error)
}

type gated struct{}

// Run adds 1 with Calc, then checks with Switch, then adds again.
func (gated) Run(ctx workflow.Context, n int) (int, error) {
	a, err := workflow.Call(ctx, Calc.Add, AddInput{n, 1})
	if err != nil {
		return 0, err
	}
	b, err := workflow.Call(ctx, Switch.Check, a)
	if err != nil {
		return 0, err
	}
	return workflow.Call(ctx, Calc.Add, AddInput{b, 1})
}

func TestRetryTasksResumesAFailedWorkflow(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []worker.WorkflowOption
	}{{"live", nil}, {"replay each step", []worker.WorkflowOption{worker.WithCacheSize(0)}}} {
		t.Run(tc.name, func(t *testing.T) {
			env := infinitictest.New(t)
			on, calls := &atomic.Bool{}, &atomic.Int64{}
			adds := &calc{}
			if err := worker.AddService[Calc](env.Worker, adds); err != nil {
				t.Fatal(err)
			}
			if err := worker.AddService[Switch](env.Worker, switchImpl{on, calls}, worker.WithRetry(infinitic.NoRetry)); err != nil {
				t.Fatal(err)
			}
			if err := worker.AddWorkflow(env.Worker, func() Gated { return gated{} }, tc.opts...); err != nil {
				t.Fatal(err)
			}
			env.Start()
			ctx := testCtx(t)
			run, err := client.Start(ctx, env.Client, Gated.Run, 4)
			if err != nil {
				t.Fatal(err)
			}
			var task *infinitic.TaskFailedError
			if _, err := run.Await(ctx); !errors.As(err, &task) || task.Service != "Switch" {
				t.Fatalf("want the Switch task failure, got %v", err)
			}
			for name, filter := range map[string]client.TaskFilter{
				"an unknown task":           client.WithTaskID("no-such-task"),
				"the tasks of a service":    client.WithTaskService[Calc](),
				"a task of another service": client.WithTaskService[Nobody](),
			} {
				if err := run.RetryTasks(ctx, filter); !errors.Is(err, infinitic.ErrNotFailed) {
					t.Fatalf("retrying %s that did not fail: %v, want ErrNotFailed", name, err)
				}
			}
			on.Store(true)
			if err := run.RetryTasks(ctx, client.WithTaskService[Switch](), client.WithTaskID(task.TaskID)); err != nil {
				t.Fatal(err)
			}
			got, err := run.Await(ctx)
			if err != nil || got != 51 {
				t.Fatalf("after retry: %d %v, want 51", got, err)
			}
			// The first Add ran once: the retry did not redo what succeeded.
			if adds.calls.Load() != 2 || calls.Load() != 2 {
				t.Fatalf("Add ran %d times (want 2), Check %d (want 2)", adds.calls.Load(), calls.Load())
			}
			if err := run.RetryTasks(ctx); !errors.Is(err, infinitic.ErrNotFailed) {
				t.Fatalf("retrying a completed instance: %v, want ErrNotFailed", err)
			}
		})
	}
}

// A workflow that failed on a non-deterministic change resumes once the
// code is fixed.
func TestRetryWorkflowTaskAfterFix(t *testing.T) {
	env, run, variant := divergedShifty(t)
	ctx := testCtx(t)
	again, _ := client.Attach(env.Client, Shifty.Run, run.ID())
	if _, err := again.Await(ctx); !errors.Is(err, infinitic.ErrNonDeterministic) {
		t.Fatalf("want non-determinism, got %v", err)
	}
	variant.Store(0) // the fix
	if err := again.RetryWorkflowTask(ctx); err != nil {
		t.Fatal(err)
	}
	// The instance runs again and waits on Nobody.Never, as before.
	raw, err := again.Inspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var view struct{ Status string }
	if err := jsonUnmarshal(raw, &view); err != nil || view.Status != "running" {
		t.Fatalf("after retry: %s %v", raw, err)
	}
}
