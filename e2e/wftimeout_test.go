package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Deadlined waits for a wakeup (and, with a child, for a child that waits
// for its own), or checks a gate first.
type Deadlined interface {
	Wait(ctx workflow.Context, withChild bool) (string, error)
	Gated(ctx workflow.Context, _ int) (string, error)
	Quick(ctx workflow.Context, s string) (string, error)
	// Parent calls Wait as a child with a deadline of its own
	// (workflow.WithWorkflowTimeout), and says how the child ended.
	Parent(ctx workflow.Context, timeout time.Duration) (string, error)
}

var Wakeups = workflow.NewChannel[Deadlined, string]("wakeups")

// Turnstile fails (for good) while it is closed.
type Turnstile interface {
	Pass(ctx context.Context, _ int) (int, error)
}

type turnstile struct{ open *atomic.Bool }

func (g turnstile) Pass(context.Context, int) (int, error) {
	if !g.open.Load() {
		return 0, infinitic.NonRetryable(errors.New("turnstile closed"))
	}
	return 1, nil
}

type deadlined struct{}

func (deadlined) Wait(ctx workflow.Context, withChild bool) (string, error) {
	if withChild {
		return workflow.CallChild(ctx, Deadlined.Wait, false)
	}
	return Wakeups.Receive(ctx).Await(ctx)
}

func (deadlined) Gated(ctx workflow.Context, _ int) (string, error) {
	if _, err := workflow.Call(ctx, Turnstile.Pass, 0); err != nil {
		return "", err
	}
	return Wakeups.Receive(ctx).Await(ctx)
}

func (deadlined) Quick(_ workflow.Context, s string) (string, error) { return s, nil }

func (deadlined) Parent(ctx workflow.Context, timeout time.Duration) (string, error) {
	// A task does not take a workflow timeout: the call fails at once.
	if _, err := workflow.Call(ctx, Turnstile.Pass, 0, workflow.WithWorkflowTimeout(timeout)); !errors.Is(err, infinitic.ErrInvalidContract) {
		return "", fmt.Errorf("a task with a workflow timeout: got %v, want ErrInvalidContract", err)
	}
	_, err := workflow.CallChild(ctx, Deadlined.Wait, false, workflow.WithWorkflowTimeout(timeout))
	var canceled *infinitic.CanceledError
	if errors.Is(err, infinitic.ErrWorkflowTimedOut) && errors.As(err, &canceled) && canceled.TimedOut {
		return "child timed out", nil
	}
	return "", fmt.Errorf("child: got %v, want it timed out", err)
}

// workflowTimeout is the timeout of the instances of these tests: long on
// memory (time skips to it), short on embedded (a real clock).
func workflowTimeout(d *deployment) time.Duration {
	if d.Mem != nil {
		return 24 * time.Hour
	}
	return 500 * time.Millisecond
}

func registerDeadlined(open *atomic.Bool) func(*testing.T, *worker.Worker) {
	return func(t *testing.T, w *worker.Worker) {
		if err := worker.AddWorkflow(w, func() Deadlined { return deadlined{} }); err != nil {
			t.Fatal(err)
		}
		if err := worker.AddService[Turnstile](w, turnstile{open}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWorkflowTimeout(t *testing.T) {
	onBackends(t, registerDeadlined(&atomic.Bool{}), func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		timeout := workflowTimeout(d)
		run, err := client.Start(ctx, d.Client, Deadlined.Wait, true, client.WithTimeout(timeout))
		if err != nil {
			t.Fatal(err)
		}
		_, err = run.Await(ctx)
		var canceled *infinitic.CanceledError
		if !errors.Is(err, infinitic.ErrWorkflowTimedOut) || !errors.Is(err, infinitic.ErrCanceled) || errors.Is(err, infinitic.ErrTimeout) ||
			!errors.As(err, &canceled) || !canceled.TimedOut || canceled.ID != run.ID() {
			t.Fatalf("want a timed-out CanceledError (ErrWorkflowTimedOut and ErrCanceled, not ErrTimeout), got %v", err)
		}
		desc, err := run.Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if desc.Status != client.StatusCanceled || desc.Deadline.IsZero() {
			t.Errorf("describe: status %s, deadline %v; want canceled with a deadline", desc.Status, desc.Deadline)
		}
		// Its child is canceled with it (by its parent, not timed out).
		child, _ := client.Attach(d.Client, Deadlined.Wait, run.ID()+".0")
		if _, err := child.Await(ctx); !errors.Is(err, infinitic.ErrCanceled) || errors.Is(err, infinitic.ErrWorkflowTimedOut) {
			t.Fatalf("child: want canceled by its parent, got %v", err)
		}

		// An instance that ends first is not touched by its deadline.
		quick, err := client.Start(ctx, d.Client, Deadlined.Quick, "up", client.WithTimeout(timeout))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := quick.Await(ctx); err != nil || got != "up" {
			t.Fatalf("quick: %q, %v", got, err)
		}
		deadlinePassed(ctx, t, d, time.Now().Add(2*timeout))
		if desc, err := quick.Describe(ctx); err != nil || desc.Status != client.StatusCompleted {
			t.Fatalf("quick after its deadline: %v, %v", desc.Status, err)
		}
	})
}

// A child workflow given a deadline by its parent's code
// (workflow.WithWorkflowTimeout) is canceled at that deadline by its own
// engine; the parent gets ErrWorkflowTimedOut and goes on.
func TestChildWorkflowTimeout(t *testing.T) {
	onBackends(t, registerDeadlined(&atomic.Bool{}), func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		run, err := client.Start(ctx, d.Client, Deadlined.Parent, workflowTimeout(d))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := run.Await(ctx); err != nil || got != "child timed out" {
			t.Fatalf("parent: %q, %v", got, err)
		}
		child, _ := client.Attach(d.Client, Deadlined.Wait, run.ID()+".0") // the refused call took no position
		desc, err := child.Describe(ctx)
		if err != nil || desc.Status != client.StatusCanceled || desc.Deadline.IsZero() || !errors.Is(desc.Err, infinitic.ErrWorkflowTimedOut) {
			t.Fatalf("child: %+v, %v; want canceled at its deadline", desc, err)
		}
	})
}

// deadlinePassed waits until the deadline messages of Deadlined were
// delivered: on memory, once time skipped to them; on embedded, once the
// clock reached after.
func deadlinePassed(ctx context.Context, t *testing.T, d *deployment, after time.Time) {
	t.Helper()
	d.waitFor(ctx, t, "the deadline passes", func() bool {
		if d.Mem != nil {
			return d.Mem.Transport.Pending("wfi.Deadlined") == 0
		}
		return time.Now().After(after)
	})
}

// A retry of a failed instance gives it its whole timeout again, from the
// retry: the old deadline's message is then ignored.
func TestWorkflowTimeoutAfterRetry(t *testing.T) {
	open := &atomic.Bool{}
	onBackends(t, registerDeadlined(open), func(t *testing.T, d *deployment) {
		open.Store(false)
		ctx := testCtx(t)
		timeout := workflowTimeout(d)
		run, err := client.Start(ctx, d.Client, Deadlined.Gated, 0, client.WithTimeout(timeout))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run.Await(ctx); err == nil || errors.Is(err, infinitic.ErrCanceled) {
			t.Fatalf("want the gate's failure, got %v", err)
		}
		failed, err := run.Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		open.Store(true)
		if d.Mem != nil {
			// Past the first deadline while failed: its message is ignored.
			deadlinePassed(ctx, t, d, time.Time{})
		}
		if err := run.RetryTasks(ctx); err != nil {
			t.Fatal(err)
		}
		retried, err := run.Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !retried.Deadline.After(failed.Deadline) {
			t.Errorf("retried deadline %v, want after the first one %v", retried.Deadline, failed.Deadline)
		}
		if _, err := run.Await(ctx); !errors.Is(err, infinitic.ErrWorkflowTimedOut) {
			t.Fatalf("the retried instance: want timed out at its new deadline, got %v", err)
		}
		if end, err := run.Describe(ctx); err != nil || end.Status != client.StatusCanceled {
			t.Fatalf("after its new deadline: %v, %v", end.Status, err)
		}
	})
}
