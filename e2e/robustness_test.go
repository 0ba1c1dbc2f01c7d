package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Shifty changes its code while an instance is running (variant), as a
// careless deployment would.
type Shifty interface {
	Run(ctx workflow.Context, n int) (int, error)
}

type shifty struct{ variant *atomic.Int32 }

func (s shifty) Run(ctx workflow.Context, n int) (int, error) {
	var err error
	if s.variant.Load() == 0 {
		_, err = workflow.Call(ctx, Calc.Add, AddInput{n, n})
	} else {
		_, err = workflow.Call0(ctx, Calc.Zero)
	}
	if err != nil {
		return 0, err
	}
	return workflow.Call(ctx, Nobody.Never, n) // waits forever
}

// divergedShifty runs a Shifty instance until it waits on Nobody.Never,
// then deploys the changed code (variant 1), and returns a handle on it.
// The engine has no cache: the next message replays with the new code.
func divergedShifty(t *testing.T) (*infinitictest.Env, *client.Run[int], *atomic.Int32) {
	env := infinitictest.New(t, infinitictest.WithUnhosted("Nobody"))
	variant := &atomic.Int32{}
	if err := worker.AddService[Calc](env.Worker, &calc{}); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() Shifty { return shifty{variant} }, worker.WithCacheSize(0)); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, Shifty.Run, 1)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, env, func() bool { return env.Transport.Pending("svc.Nobody") == 1 }) // blocked on Never
	variant.Store(1)
	return env, run, variant
}

func TestNonDeterminismFailsLoudly(t *testing.T) {
	env, run, _ := divergedShifty(t)
	ctx := testCtx(t)
	// Any message makes the engine replay; a second caller joining will do.
	again, err := client.Attach(env.Client, Shifty.Run, run.ID())
	if err != nil {
		t.Fatal(err)
	}
	_, err = again.Await(ctx)
	var nd *infinitic.NonDeterminismError
	if !errors.As(err, &nd) || !errors.Is(err, infinitic.ErrNonDeterministic) {
		t.Fatalf("want NonDeterminismError, got %v", err)
	}
	if nd.Workflow != "Shifty" || nd.Method != "Run" || nd.Position != 0 || nd.Want != "task Calc.Add" || nd.Got != "task Calc.Zero" {
		t.Fatalf("error does not name the position: %+v", nd)
	}
	if _, err := run.Await(ctx); !errors.As(err, &nd) {
		t.Fatalf("first caller: want NonDeterminismError, got %v", err)
	}
}

// Every message delivered twice and in shuffled order: results are still
// exactly right and each workflow completes once.
func TestDuplicatedAndReorderedDelivery(t *testing.T) {
	env, impl := newEnv(t, infinitictest.WithTransportOptions(memory.WithDuplicates(), memory.WithReorder(42)))
	ctx := testCtx(t)
	const n = 30
	runs := make([]*client.Run[int], n)
	for i := range runs {
		var err error
		method := Sums.Sequential
		if i%3 == 1 {
			method = Sums.Parallel
		} else if i%3 == 2 {
			method = Sums.Parent
		}
		if runs[i], err = client.Start(ctx, env.Client, method, 6, client.WithID(fmt.Sprintf("wf-%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	want := map[int]int{0: 15, 1: 30, 2: 45}
	for i, r := range runs {
		got, err := r.Await(ctx)
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if got != want[i%3] {
			t.Fatalf("run %d: got %d, want %d", i, got, want[i%3])
		}
	}
	// Duplicated task messages may run tasks twice (at-least-once), never
	// fewer times than the workflows need.
	minCalls := int64(n/3*6 + n/3*12 + n/3*(6+12))
	if got := impl.calls.Load(); got < minCalls {
		t.Fatalf("tasks ran %d times, want at least %d", got, minCalls)
	}
	t.Logf("task executions: %d (minimum %d)", impl.calls.Load(), minCalls)
}

func TestBadInput(t *testing.T) {
	env, _ := newEnv(t)
	ctx := testCtx(t)
	if _, err := client.New(ctx, client.Config{}); err == nil {
		t.Error("client without transport: want error")
	}
	if _, err := worker.New(worker.Config{}); err == nil {
		t.Error("worker without transport: want error")
	}
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"service contract not an interface", worker.AddService[*calc](env.Worker, &calc{}), infinitic.ErrInvalidContract},
		{"nil implementation", worker.AddService[Calc](env.Worker, nil), infinitic.ErrInvalidContract},
		{"nil workflow factory", worker.AddWorkflow[Sums](env.Worker, nil), infinitic.ErrInvalidContract},
		{"bad method signature", worker.AddService[BadContract](env.Worker, badImpl{}), infinitic.ErrInvalidContract},
		{"invalid alias", func() error {
			_, err := worker.New(worker.Config{Transport: env.Transport, Aliases: []infinitic.Alias{infinitic.Name[Calc]("bad name")}})
			return err
		}(), infinitic.ErrInvalidContract},
		{"not a method expression", func() error {
			_, err := client.Attach(env.Client, func(Sums, workflow.Context, int) (int, error) { return 0, nil }, "x")
			return err
		}(), infinitic.ErrInvalidContract},
		{"workflow API outside a workflow", func() error { _, err := workflow.Call(workflow.Context{}, Calc.Add, AddInput{}); return err }(), infinitic.ErrNotInWorkflow},
		{"await unknown workflow", func() error {
			r, _ := client.Attach(env.Client, Sums.Sequential, "no-such-id")
			_, err := r.Await(ctx)
			return err
		}(), infinitic.ErrInstanceNotFound},
	}
	for _, tc := range cases {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, tc.err, tc.want)
		}
	}
}

type BadContract interface {
	NoContext(in int) (int, error)
}

type badImpl struct{}

func (badImpl) NoContext(int) (int, error) { return 0, nil }

// Mismatched argument types between caller and contract become a decode
// error in the task, which fails at once (no retry).
type Loose interface {
	Take(ctx context.Context, in AddInput) (int, error)
}

type Strict interface {
	Take(ctx context.Context, in int) (int, error)
}

type strictImpl struct{}

func (strictImpl) Take(ctx context.Context, in int) (int, error) { return in, nil }

type LooseCaller interface {
	Go(ctx workflow.Context) (int, error)
}

type looseCaller struct{}

func (looseCaller) Go(ctx workflow.Context) (int, error) {
	return workflow.Call(ctx, Loose.Take, AddInput{1, 2})
}

func TestWrongArgumentTypeIsADecodeError(t *testing.T) {
	env := infinitictest.New(t, infinitictest.WithAliases(infinitic.Name[Loose]("Strict")))
	if err := worker.AddService[Strict](env.Worker, strictImpl{}); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() LooseCaller { return looseCaller{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	_, err := client.Execute0(testCtx(t), env.Client, LooseCaller.Go)
	var task *infinitic.TaskFailedError
	if !errors.As(err, &task) || task.Attempt != 1 || !errors.Is(err, infinitic.ErrDecode) {
		t.Fatalf("want a decode failure without retry, got %v", err)
	}
}

// waitFor waits until cond holds, re-checking at each transport change.
func waitFor(ctx context.Context, t *testing.T, env *infinitictest.Env, cond func() bool) {
	t.Helper()
	for {
		changed := env.Transport.Changed()
		if cond() {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal("condition never met")
		case <-changed:
		}
	}
}
