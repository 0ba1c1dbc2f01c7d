package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// --- contracts used by the scenarios ---

type Calc interface {
	Add(ctx context.Context, in AddInput) (int, error)
	Fail(ctx context.Context, msg string) (int, error)
	Zero(ctx context.Context) (int, error)
}

type AddInput struct{ A, B int }

type DeclinedError struct{ Code int }

func (e *DeclinedError) Error() string { return fmt.Sprintf("declined with code %d", e.Code) }

type calc struct{ calls atomic.Int64 }

func (c *calc) Add(ctx context.Context, in AddInput) (int, error) {
	c.calls.Add(1)
	return in.A + in.B, nil
}

func (c *calc) Fail(ctx context.Context, msg string) (int, error) {
	c.calls.Add(1)
	return 0, &DeclinedError{Code: len(msg)}
}

func (c *calc) Zero(ctx context.Context) (int, error) { return 0, nil }

type Sums interface {
	Sequential(ctx workflow.Context, n int) (int, error)
	Parallel(ctx workflow.Context, n int) (int, error)
	Failing(ctx workflow.Context, msg string) (int, error)
	Race(ctx workflow.Context, wait time.Duration) (string, error)
	Parent(ctx workflow.Context, n int) (int, error)
	ParentOfFailing(ctx workflow.Context, msg string) (int, error)
	Helpers(ctx workflow.Context) (string, error)
	Sleepy(ctx workflow.Context, d time.Duration) (time.Duration, error)
}

type sums struct{}

func (sums) Sequential(ctx workflow.Context, n int) (int, error) {
	total := 0
	for i := range n {
		var err error
		if total, err = workflow.Call(ctx, Calc.Add, AddInput{total, i}); err != nil {
			return 0, err
		}
	}
	return total, nil
}

func (sums) Parallel(ctx workflow.Context, n int) (int, error) {
	var ds []workflow.Deferred[int]
	for i := range n {
		ds = append(ds, workflow.Async(ctx, func(ctx workflow.Context) (int, error) {
			a, err := workflow.Call(ctx, Calc.Add, AddInput{i, 0})
			if err != nil {
				return 0, err
			}
			return workflow.Call(ctx, Calc.Add, AddInput{a, a})
		}))
	}
	all, err := workflow.All(workflow.All(ds[:n/2]...), workflow.All(ds[n/2:]...)).Await(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, part := range all {
		for _, v := range part {
			total += v
		}
	}
	return total, nil
}

func (sums) Failing(ctx workflow.Context, msg string) (int, error) {
	return workflow.Call(ctx, Calc.Fail, msg)
}

func (sums) Race(ctx workflow.Context, wait time.Duration) (string, error) {
	task := workflow.Dispatch(ctx, Calc.Add, AddInput{1, 2})
	timer := workflow.Timer(ctx, wait)
	first, err := workflow.Any(
		workflow.Async(ctx, func(ctx workflow.Context) (string, error) { _, err := task.Await(ctx); return "task", err }),
		workflow.Async(ctx, func(ctx workflow.Context) (string, error) { _, err := timer.Await(ctx); return "timer", err }),
	).Await(ctx)
	return fmt.Sprintf("%s task=%s timer=%s", first, task.Status(), timer.Status()), err
}

func (sums) Parent(ctx workflow.Context, n int) (int, error) {
	a := workflow.DispatchChild(ctx, Sums.Sequential, n)
	b, err := workflow.CallChild(ctx, Sums.Parallel, n)
	if err != nil {
		return 0, err
	}
	va, err := a.Await(ctx)
	return va + b, err
}

func (sums) ParentOfFailing(ctx workflow.Context, msg string) (int, error) {
	return workflow.CallChild(ctx, Sums.Failing, msg)
}

func (sums) Helpers(ctx workflow.Context) (string, error) {
	id := workflow.NewUUID(ctx)
	r := workflow.Rand(ctx).IntN(1000)
	v, err := workflow.Inline(ctx, func() (int, error) { return r * 2, nil })
	if err != nil {
		return "", err
	}
	info := workflow.GetInfo(ctx)
	return fmt.Sprintf("%s|%d|%d|%s|%s|%s|%v", id, r, v, info.Workflow, info.Method, info.Meta["k"], workflow.Now(ctx).Equal(infinitictest.Start)), nil
}

func (sums) Sleepy(ctx workflow.Context, d time.Duration) (time.Duration, error) {
	start := workflow.Now(ctx)
	if err := workflow.Sleep(ctx, d); err != nil {
		return 0, err
	}
	return workflow.Now(ctx).Sub(start), nil
}

func newEnv(t *testing.T, opts ...infinitictest.Option) (*infinitictest.Env, *calc) {
	return newEnvWith(t, nil, opts...)
}

// newEnvWith registers Calc and Sums, the workflow engine with wfOpts.
func newEnvWith(t testing.TB, wfOpts []worker.WorkflowOption, opts ...infinitictest.Option) (*infinitictest.Env, *calc) {
	t.Helper()
	env := infinitictest.New(t, opts...)
	impl := &calc{}
	if err := worker.AddService[Calc](env.Worker, impl, worker.WithRetry(infinitic.RetryPolicy{MaxRetries: 2})); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() Sums { return sums{} }, wfOpts...); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return env, impl
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestScenarios(t *testing.T) {
	run := func(opts ...worker.WorkflowOption) func(t *testing.T) {
		return func(t *testing.T) {
			env, _ := newEnvWith(t, opts)
			testScenarios(t, env)
		}
	}
	t.Run("live cache", run())
	// Without cache every step replays the history from the store, as
	// after a crash.
	t.Run("replay each step", run(worker.WithCacheSize(0)))
	// Small batches and a tiny cache: evictions in the middle of runs.
	t.Run("evictions", run(worker.WithCacheSize(1), worker.WithFetchSize(1), worker.WithConcurrency(1)))
}

func testScenarios(t *testing.T, env *infinitictest.Env) {
	ctx := testCtx(t)
	c := env.Client
	cases := []struct {
		name string
		run  func() (any, error)
		want any
	}{
		{"sequential", func() (any, error) { return client.Execute(ctx, c, Sums.Sequential, 10) }, 45},
		{"parallel with nested All", func() (any, error) { return client.Execute(ctx, c, Sums.Parallel, 6) }, 30},
		{"task wins race against timer", func() (any, error) { return client.Execute(ctx, c, Sums.Race, time.Hour) }, "task task=completed timer=ongoing"},
		{"child workflows", func() (any, error) { return client.Execute(ctx, c, Sums.Parent, 4) }, 6 + 12},
		{"durable sleep skips time", func() (any, error) { return client.Execute(ctx, c, Sums.Sleepy, 30*24*time.Hour) }, 30 * 24 * time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.run()
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// Nobody is a service no worker runs: its tasks never complete.
type Nobody interface {
	Never(ctx context.Context, in int) (int, error)
}

type Waiter interface {
	WaitOrTimeout(ctx workflow.Context, d time.Duration) (string, error)
}

type waiterWF struct{}

func (waiterWF) WaitOrTimeout(ctx workflow.Context, d time.Duration) (string, error) {
	task := workflow.Dispatch(ctx, Nobody.Never, 1)
	timer := workflow.Timer(ctx, d)
	first, err := workflow.Any(
		workflow.Async(ctx, func(ctx workflow.Context) (string, error) { _, err := task.Await(ctx); return "task", err }),
		workflow.Async(ctx, func(ctx workflow.Context) (string, error) {
			t, err := timer.Await(ctx)
			return t.Format(time.RFC3339), err
		}),
	).Await(ctx)
	return fmt.Sprintf("%s task=%s", first, task.Status()), err
}

func TestTimerWinsRace(t *testing.T) {
	env := infinitictest.New(t)
	if err := worker.AddWorkflow(env.Worker, func() Waiter { return waiterWF{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	got, err := client.Execute(testCtx(t), env.Client, Waiter.WaitOrTimeout, 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	want := infinitictest.Start.Add(48*time.Hour).Format(time.RFC3339) + " task=ongoing"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestDeterministicHelpers(t *testing.T) {
	run := func() string {
		env, _ := newEnv(t)
		got, err := client.Execute0(testCtx(t), env.Client, Sums.Helpers, client.WithID("same-id"), client.WithMeta(map[string]string{"k": "v"}))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	a, b := run(), run()
	if a != b {
		t.Fatalf("same workflow id gave different values: %q vs %q", a, b)
	}
	var id string
	var r, v int
	var rest string
	if _, err := fmt.Sscanf(strings.ReplaceAll(a, "|", " "), "%s %d %d %s", &id, &r, &v, &rest); err != nil {
		t.Fatalf("parse %q: %v", a, err)
	}
	if v != 2*r || len(id) != 36 || !strings.HasSuffix(a, "|Sums|Helpers|v|true") {
		t.Fatalf("unexpected helpers output %q", a)
	}
}
