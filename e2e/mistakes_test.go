package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// A closed client says so: calls after Close, and an Await pending at
// Close, return client.ErrClosed instead of waiting for ever.
func TestClientClosed(t *testing.T) {
	var gate gateImpl
	register := func(t *testing.T, w *worker.Worker) {
		gate = gateImpl{entered: make(chan struct{}, 1), open: make(chan struct{})}
		if err := errors.Join(worker.AddService[Gate](w, gate), worker.AddWorkflow(w, func() GateFlow { return gateFlow{} })); err != nil {
			t.Fatal(err)
		}
	}
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		t.Cleanup(func() { close(gate.open) }) // before the worker stops
		c, err := client.New(ctx, client.Config{Transport: d.Transport})
		if err != nil {
			t.Fatal(err)
		}
		run, err := client.Start(ctx, c, GateFlow.Through, 3) // waits at the gate
		if err != nil {
			t.Fatal(err)
		}
		<-gate.entered
		awaited := make(chan error, 1)
		go func() { _, err := run.Await(ctx); awaited <- err }()
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-awaited; !errors.Is(err, client.ErrClosed) {
			t.Errorf("Await pending at Close: got %v, want client.ErrClosed", err)
		}
		if _, err := client.Start(ctx, c, GateFlow.Through, 3); !errors.Is(err, client.ErrClosed) {
			t.Errorf("Start after Close: got %v, want client.ErrClosed", err)
		}
		if _, err := run.Await(ctx); !errors.Is(err, client.ErrClosed) {
			t.Errorf("Await after Close: got %v, want client.ErrClosed", err)
		}
		if err := client.Send(ctx, c, Approvals, run.ID(), Approval{}); !errors.Is(err, client.ErrClosed) {
			t.Errorf("Send after Close: got %v, want client.ErrClosed", err)
		}
	})
}

// recordingT is a testing.TB whose Errorf is recorded instead of failing
// the test, to check what infinitictest reports.
type recordingT struct {
	testing.TB
	errs chan string
}

func (r *recordingT) Errorf(format string, args ...any) { r.errs <- fmt.Sprintf(format, args...) }

// Messages that wait for a service or workflow that no worker hosts (or
// for env.Start) fail the test with the reason, and the pending Await
// returns instead of hanging.
func TestInfinitictestReportsUnhosted(t *testing.T) {
	for _, tc := range []struct {
		name     string
		register func(w *worker.Worker) error
		start    bool
		want     string
	}{
		{"no Start", func(w *worker.Worker) error {
			return errors.Join(worker.AddService[Calc](w, &calc{}), worker.AddWorkflow(w, func() Sums { return sums{} }))
		}, false, "1 message(s) wait for workflow Sums, but env.Start() was never called"},
		{"service not hosted", func(w *worker.Worker) error {
			return worker.AddWorkflow(w, func() Sums { return sums{} })
		}, true, "no worker hosts service Calc (1 message(s) wait on svc.Calc): register it on env.Worker with worker.AddService"},
		{"workflow not hosted", func(w *worker.Worker) error {
			return worker.AddService[Calc](w, &calc{})
		}, true, "no worker hosts workflow Sums (1 message(s) wait on wf.Sums): register it on env.Worker with worker.AddWorkflow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingT{TB: t, errs: make(chan string, 1)}
			env := infinitictest.New(rec)
			if err := tc.register(env.Worker); err != nil {
				t.Fatal(err)
			}
			if tc.start {
				env.Start()
			}
			_, err := client.Execute(testCtx(t), env.Client, Sums.Sequential, 2)
			if !errors.Is(err, client.ErrClosed) {
				t.Fatalf("Execute: got %v, want client.ErrClosed", err)
			}
			if got := <-rec.errs; !strings.Contains(got, tc.want) {
				t.Fatalf("reported %q, want %q", got, tc.want)
			}
		})
	}
}

// Spawner's workflow code starts goroutines, which must not call the
// workflow API.
type Spawner interface {
	CallInGoroutine(ctx workflow.Context, n int) (int, error)
	NowInGoroutine(ctx workflow.Context, n int) (int, error)
}

type spawner struct{}

func (spawner) CallInGoroutine(ctx workflow.Context, n int) (int, error) {
	var wg sync.WaitGroup
	var sum int
	var err error
	wg.Go(func() { sum, err = workflow.Call(ctx, Calc.Add, AddInput{n, n}) }) //infinitic:nondeterministic-ok: the mistake this test makes
	wg.Wait()
	return sum, err
}

func (spawner) NowInGoroutine(ctx workflow.Context, n int) (int, error) {
	var wg sync.WaitGroup
	//infinitic:nondeterministic-ok: the mistake this test makes
	wg.Go(func() { _ = workflow.Now(ctx) }) // stopped there (runtime.Goexit)
	wg.Wait()
	return n, nil
}

// Workflow code that calls the workflow API from a goroutine of its own
// fails its instance (not the worker) with a message that says to use
// workflow.Async; other instances go on.
func TestGoroutineInWorkflowCodeFailsTheInstance(t *testing.T) {
	register := func(t *testing.T, w *worker.Worker) {
		registerSums(t, w)
		if err := worker.AddWorkflow(w, func() Spawner { return spawner{} }); err != nil {
			t.Fatal(err)
		}
	}
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		for name, method := range map[string]func(Spawner, workflow.Context, int) (int, error){
			"Call": Spawner.CallInGoroutine, "Now": Spawner.NowInGoroutine,
		} {
			_, err := client.Execute(ctx, d.Client, method, 1)
			var failed *infinitic.WorkflowFailedError
			if !errors.As(err, &failed) || !errors.Is(err, infinitic.ErrNotInWorkflow) ||
				!strings.Contains(err.Error(), "run concurrent branches with workflow.Async") {
				t.Errorf("%s from a goroutine: got %v, want a failed workflow saying to use workflow.Async", name, err)
			}
		}
		if got, err := client.Execute(ctx, d.Client, Sums.Sequential, 3); err != nil || got != 3 {
			t.Fatalf("another workflow: got %d, %v", got, err)
		}
	})
}

// Shrinking's code loses its calls when variant is set: a deployment
// that removed code while instances ran.
type Shrinking interface {
	Run(ctx workflow.Context, n int) (int, error)
}

type shrinking struct{ variant *atomic.Int32 }

func (s shrinking) Run(ctx workflow.Context, n int) (int, error) {
	if s.variant.Load() == 1 {
		return n, nil
	}
	if _, err := workflow.Call(ctx, Calc.Add, AddInput{n, n}); err != nil {
		return 0, err
	}
	return workflow.Call(ctx, Nobody.Never, n) // waits forever
}

// Code that ends before the point its history reached fails with a
// message that says what usually causes it, and ErrorChain prints it once.
func TestNonDeterminismWhenCodeEndsBeforeItsHistory(t *testing.T) {
	env := infinitictest.New(t, infinitictest.WithUnhosted("Nobody"))
	variant := &atomic.Int32{}
	err := errors.Join(worker.AddService[Calc](env.Worker, &calc{}),
		worker.AddWorkflow(env.Worker, func() Shrinking { return shrinking{variant} }, worker.WithCacheSize(0)))
	if err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, Shrinking.Run, 1)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, env, func() bool { return env.Transport.Pending("svc.Nobody") == 1 })
	variant.Store(1) // the new deployment
	again, err := client.Attach(env.Client, Shrinking.Run, run.ID())
	if err != nil {
		t.Fatal(err)
	}
	_, err = again.Await(ctx) // replays with the new code
	var nd *infinitic.NonDeterminismError
	if !errors.As(err, &nd) || nd.Got != infinitic.NoCommandIssued {
		t.Fatalf("want a NonDeterminismError for code that issued no command, got %v", err)
	}
	if !strings.Contains(err.Error(), "the code ended, or waits on something else, before the point its history reached") ||
		!strings.Contains(err.Error(), "worker.WithVersion") {
		t.Fatalf("no hint in: %v", err)
	}
	chain := infinitic.ErrorChain(err)
	if n := strings.Count(chain, "non-deterministic workflow"); n != 1 {
		t.Fatalf("the chain prints the non-determinism %d times:\n%s", n, chain)
	}
	t.Logf("chain:\n%s", chain)
}

// logLines is a log destination that hands each line to the test.
type logLines chan string

func (l logLines) Write(b []byte) (int, error) {
	select {
	case l <- string(b):
	default: // the test reads only the first lines
	}
	return len(b), nil
}

// Send to an id with no instance (a wrong id, or a channel declared for
// another workflow) logs a warning at once; the sender gets
// ErrInstanceNotFound when the early message life elapses.
func TestSendToUnknownInstanceWarns(t *testing.T) {
	logs := make(logLines, 16)
	env := infinitictest.New(t, infinitictest.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	if err := worker.AddWorkflow(env.Worker, func() Expense { return expense{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := client.Send(short, env.Client, Approvals, "no-such-id", Approval{}); err == nil {
		t.Fatal("Send to an unknown id: want an error")
	}
	for {
		select {
		case line := <-logs:
			if strings.Contains(line, "a client sent to an instance that has not started") && strings.Contains(line, "id=no-such-id") {
				return
			}
		case <-ctx.Done():
			t.Fatal("no warning logged")
		}
	}
}
