package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Orders is operated by name only, through package admin.
type Orders interface {
	// Place charges the amount, then waits for a confirmation.
	Place(ctx workflow.Context, amount int) (string, error)
	// Hold waits for a timer.
	Hold(ctx workflow.Context, d time.Duration) (string, error)
}

type Confirmation struct{ By string }

var Confirmations = workflow.NewChannel[Orders, Confirmation]("confirmations")

// Bank fails to charge negative amounts until it is fixed.
type Bank interface {
	Charge(ctx context.Context, amount int) (int, error)
}

type bank struct{ fixed *atomic.Bool }

func (b bank) Charge(_ context.Context, amount int) (int, error) {
	if amount < 0 && !b.fixed.Load() {
		return 0, fmt.Errorf("cannot charge %d", amount)
	}
	return amount, nil
}

type orders struct{}

func (orders) Place(ctx workflow.Context, amount int) (string, error) {
	charged, err := workflow.Call(ctx, Bank.Charge, amount)
	if err != nil {
		return "", err
	}
	c, err := Confirmations.Receive(ctx).Await(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d confirmed by %s", charged, c.By), nil
}

func (orders) Hold(ctx workflow.Context, d time.Duration) (string, error) {
	if err := workflow.Sleep(ctx, d); err != nil {
		return "", err
	}
	return "released", nil
}

func registerOrders(fixed *atomic.Bool) func(*testing.T, *worker.Worker) {
	return func(t *testing.T, w *worker.Worker) {
		err := errors.Join(
			worker.AddService[Bank](w, bank{fixed}, worker.WithRetry(infinitic.RetryPolicy{MaxRetries: 1, MinDelay: time.Millisecond})),
			worker.AddWorkflow(w, func() Orders { return orders{} }))
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestAdminOperatesByName drives instances with names, ids and JSON only.
func TestAdminOperatesByName(t *testing.T) {
	fixed := &atomic.Bool{}
	onBackends(t, registerOrders(fixed), func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		fixed.Store(false)
		a, err := admin.New(ctx, admin.Config{Transport: d.Transport, Store: d.Store})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = a.Close() })
		describe := func(id string) *admin.Instance {
			t.Helper()
			in, err := a.Describe(ctx, "Orders", id)
			if err != nil {
				t.Fatal(err)
			}
			return in
		}
		// waitStatus waits until instance id has status s and waits for
		// exactly one step, of kind pending.
		waitStatus := func(id string, s admin.Status, pending admin.StepKind) *admin.Instance {
			t.Helper()
			var in *admin.Instance
			d.waitFor(ctx, t, fmt.Sprintf("%s %s waiting for a %s", id, s, pending), func() bool {
				in, err = a.Describe(ctx, "Orders", id)
				return err == nil && in.Status == s && len(in.Pending) == 1 && in.Pending[0].Kind == pending
			})
			return in
		}

		// Start by name with JSON, and wait on a channel.
		id, err := a.Start(ctx, "Orders", "Place", json.RawMessage(`12`), admin.StartOptions{ID: "order-1", Tags: []string{"shop:a"}, CustomID: "cart-1"})
		if err != nil || id != "order-1" {
			t.Fatalf("start: %q %v", id, err)
		}
		in := waitStatus(id, admin.StatusRunning, admin.StepReceive)
		if in.Method != "Place" || in.CustomID != "cart-1" || !slices.Contains(in.Tags, "shop:a") || in.Started.IsZero() ||
			in.Pending[0].Kind != admin.StepReceive || in.Pending[0].Target != "confirmations" {
			t.Fatalf("waiting on a channel: %+v", in)
		}
		steps, err := a.History(ctx, "Orders", id)
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) != 3 || steps[0].Kind != admin.StepStart || string(steps[0].Input) != "12" ||
			steps[1].Kind != admin.StepTask || steps[1].Status != admin.StepCompleted || steps[1].Attempts != 1 ||
			string(steps[1].Output) != "12" || steps[1].At.IsZero() || steps[1].Done.Before(steps[1].At) || steps[1].TaskID == "" ||
			steps[2].Kind != admin.StepReceive || steps[2].Status != admin.StepPending {
			t.Fatalf("history: %+v", steps)
		}
		if err := a.Signal(ctx, "Orders", id, "confirmations", json.RawMessage(`{"By":"ops"}`)); err != nil {
			t.Fatal(err)
		}
		out, err := a.Await(ctx, "Orders", id)
		if err != nil || string(out) != `"12 confirmed by ops"` {
			t.Fatalf("await: %s %v", out, err)
		}
		if in := describe(id); in.Status != admin.StatusCompleted || string(in.Output) != `"12 confirmed by ops"` || in.Ended.Before(in.Started) {
			t.Fatalf("completed: %+v", in)
		}

		// A failed task: its error chain, then a retry once fixed.
		id, err = a.Start(ctx, "Orders", "Place", json.RawMessage(`-5`), admin.StartOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var failed *infinitic.WorkflowFailedError
		if _, err := a.Await(ctx, "Orders", id); !errors.As(err, &failed) {
			t.Fatalf("want a failure: %v", err)
		}
		in = describe(id)
		var task *infinitic.TaskFailedError
		if in.Status != admin.StatusFailed || in.Error == nil || !errors.As(in.Error.Err, &task) || len(in.Error.Chain) != 3 ||
			in.Error.Chain[2] != "cannot charge -5" {
			t.Fatalf("failed: %+v %+v", in, in.Error)
		}
		steps, err = a.History(ctx, "Orders", id)
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) != 2 || steps[1].Status != admin.StepFailed || steps[1].Attempts != 2 || steps[1].TaskID != task.TaskID {
			t.Fatalf("failed history: %+v", steps)
		}
		if err := a.CompleteTimers(ctx, "Orders", id); !errors.Is(err, infinitic.ErrWorkflowFinished) {
			t.Fatalf("complete timers of a failed instance: %v", err)
		}
		fixed.Store(true)
		if err := a.RetryTasks(ctx, "Orders", id, admin.TaskSelection{}); err != nil {
			t.Fatal(err)
		}
		in = waitStatus(id, admin.StatusRunning, admin.StepReceive)
		if in.Generation != 1 || in.Error != nil {
			t.Fatalf("retried: %+v", in)
		}
		if err := a.RetryWorkflowTask(ctx, "Orders", id); !errors.Is(err, infinitic.ErrNotFailed) {
			t.Fatalf("retry a running instance: %v", err)
		}

		// Cancel by id and by tag.
		if err := a.Cancel(ctx, "Orders", id, "by hand"); err != nil {
			t.Fatal(err)
		}
		if in := describe(id); in.Status != admin.StatusCanceled || !errors.Is(in.Error.Err, infinitic.ErrCanceled) {
			t.Fatalf("canceled: %+v", in)
		}
		for _, tagged := range []string{"t-1", "t-2"} {
			if _, err := a.Start(ctx, "Orders", "Place", json.RawMessage(`1`), admin.StartOptions{ID: tagged, Tags: []string{"batch:7"}}); err != nil {
				t.Fatal(err)
			}
			waitStatus(tagged, admin.StatusRunning, admin.StepReceive)
		}
		if n, err := a.CancelByTag(ctx, "Orders", "batch:7", "batch canceled"); err != nil || n != 2 {
			t.Fatalf("cancel by tag: %d %v", n, err)
		}

		// Timers (held on embedded only: the memory kit skips time).
		if d.Mem == nil {
			id, err := a.Start(ctx, "Orders", "Hold", json.RawMessage(fmt.Sprint(int64(time.Hour))), admin.StartOptions{})
			if err != nil {
				t.Fatal(err)
			}
			in := waitStatus(id, admin.StatusRunning, admin.StepTimer)
			if p := in.Pending[0]; p.Kind != admin.StepTimer || p.Due.Sub(p.At) != time.Hour {
				t.Fatalf("timer: %+v", p)
			}
			if err := a.CompleteTimers(ctx, "Orders", id); err != nil {
				t.Fatal(err)
			}
			if out, err := a.Await(ctx, "Orders", id); err != nil || string(out) != `"released"` {
				t.Fatalf("after complete-timers: %s %v", out, err)
			}
		}
	})
}

func TestAdminRefusesBadInput(t *testing.T) {
	onBackends(t, registerOrders(&atomic.Bool{}), func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		a, err := admin.New(ctx, admin.Config{Transport: d.Transport, Store: d.Store})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = a.Close() })
		if _, err := a.Describe(ctx, "Orders", "nope"); !errors.Is(err, infinitic.ErrInstanceNotFound) {
			t.Errorf("describe unknown: %v", err)
		}
		if _, err := a.History(ctx, "Orders", "nope"); !errors.Is(err, infinitic.ErrInstanceNotFound) {
			t.Errorf("history unknown: %v", err)
		}
		if _, err := a.Start(ctx, "Orders", "Place", json.RawMessage(`{`), admin.StartOptions{}); !errors.Is(err, admin.ErrInvalidJSON) {
			t.Errorf("start with bad JSON: %v", err)
		}
		if err := a.Signal(ctx, "Orders", "x", "confirmations", json.RawMessage(`nope`)); !errors.Is(err, admin.ErrInvalidJSON) {
			t.Errorf("signal bad JSON: %v", err)
		}
		if _, err := a.Describe(ctx, "Bad.Name", "x"); err == nil {
			t.Error("a workflow name with a dot was accepted")
		}
		if _, err := a.Await(ctx, "Orders", "never-started"); !errors.Is(err, infinitic.ErrInstanceNotFound) {
			t.Errorf("await unknown: %v", err)
		}
	})
}

func TestAdminSignalsVariants(t *testing.T) {
	ctx := testCtx(t)
	env := infinitictest.New(t)
	if err := worker.AddWorkflow(env.Worker, func() OrderFlow { return orderFlow{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	a, err := admin.New(ctx, admin.Config{Transport: env.Transport, Store: env.Store})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	id, err := a.Start(ctx, "OrderFlow", "Track", json.RawMessage(`0`), admin.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct{ variant, value string }{{"Paid", `{"Amount":5}`}, {"Shipped", `{"Carrier":"DHL"}`}} {
		if err := a.SignalVariant(ctx, "OrderFlow", id, "events", v.variant, json.RawMessage(v.value)); err != nil {
			t.Fatal(err)
		}
	}
	out, err := a.Await(ctx, "OrderFlow", id)
	if want := `"shipped by DHL, then e2e_test.Paid {Amount:5}"`; err != nil || string(out) != want {
		t.Fatalf("got %s %v, want %s", out, err, want)
	}
}
