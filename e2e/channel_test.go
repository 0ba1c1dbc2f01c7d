package e2e_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

type Approval struct {
	By     string
	Status string
}

type Expense interface {
	Review(ctx workflow.Context, timeout time.Duration) (string, error)
	Forward(ctx workflow.Context, to string) (string, error)
	Patient(ctx workflow.Context, timeout time.Duration) (string, error)
}

var Approvals = workflow.NewChannel[Expense, Approval]("approvals")

type expense struct{}

// Review waits for an approval or a timeout, then for a second, filtered
// approval.
func (expense) Review(ctx workflow.Context, timeout time.Duration) (string, error) {
	first := Approvals.Receive(ctx)
	winner := workflow.Async(ctx, func(ctx workflow.Context) (string, error) { a, err := first.Await(ctx); return "by " + a.By, err })
	if timeout > 0 { // 0: no timeout
		timer := workflow.Timer(ctx, timeout)
		winner = workflow.Any(winner,
			workflow.Async(ctx, func(ctx workflow.Context) (string, error) { _, err := timer.Await(ctx); return "timeout", err }))
	}
	won, err := winner.Await(ctx)
	if err != nil {
		return "", err
	}
	second, err := Approvals.Receive(ctx, workflow.Where("Status", "final")).Await(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s, then %s by %s", won, second.Status, second.By), nil
}

// Forward relays one approval to another instance's channel.
func (expense) Forward(ctx workflow.Context, to string) (string, error) {
	a, err := Approvals.Receive(ctx).Await(ctx)
	if err != nil {
		return "", err
	}
	return "forwarded", Approvals.Send(ctx, to, Approval{By: "relay:" + a.By, Status: "final"})
}

// Patient gives up waiting once (AnyOf leaves the receive untouched),
// sleeps, then receives again: the value sent meanwhile must reach the
// second receive, not the abandoned first.
func (expense) Patient(ctx workflow.Context, timeout time.Duration) (string, error) {
	first := Approvals.Receive(ctx)
	timer := workflow.Timer(ctx, timeout)
	if i, err := workflow.AnyOf(first, timer).Await(ctx); err != nil {
		return "", err
	} else if i != 1 {
		return "", fmt.Errorf("want the timer first, got %d", i)
	}
	if err := workflow.Sleep(ctx, time.Hour); err != nil {
		return "", err
	}
	a, err := Approvals.Receive(ctx).Await(ctx)
	return "second receive got " + a.By, err
}

func TestAbandonedReceiveDoesNotSwallowValues(t *testing.T) {
	env := newExpenseEnv(t)
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, Expense.Patient, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// Send once the timer won and the workflow sleeps: its third command
	// (the fake clock passing the timer's time is not enough: the engine
	// may not have applied the timer yet).
	waitFor(ctx, t, env, func() bool {
		raw, err := run.Inspect(ctx)
		var view struct{ Commands int }
		return err == nil && json.Unmarshal(raw, &view) == nil && view.Commands >= 3
	})
	if err := client.Send(ctx, env.Client, Approvals, run.ID(), Approval{By: "eve"}); err != nil {
		t.Fatal(err)
	}
	if got, err := run.Await(ctx); err != nil || got != "second receive got eve" {
		t.Fatalf("got %q %v", got, err)
	}
}

func newExpenseEnv(t *testing.T, opts ...worker.WorkflowOption) *infinitictest.Env {
	env := infinitictest.New(t)
	if err := worker.AddWorkflow(env.Worker, func() Expense { return expense{} }, opts...); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return env
}

func TestChannelSignalBeforeWaitIsBuffered(t *testing.T) {
	t.Run("live", func(t *testing.T) { testBufferedSignals(t, newExpenseEnv(t)) })
	t.Run("replay each step", func(t *testing.T) { testBufferedSignals(t, newExpenseEnv(t, worker.WithCacheSize(0))) })
}

func testBufferedSignals(t *testing.T, env *infinitictest.Env) {
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, Expense.Review, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Both values are sent before the workflow waits for the second one;
	// the draft is filtered out of the second receive.
	for _, a := range []Approval{{"ann", "draft"}, {"bob", "draft"}, {"cid", "final"}} {
		if err := client.Send(ctx, env.Client, Approvals, run.ID(), a); err != nil {
			t.Fatal(err)
		}
	}
	got, err := run.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := "by ann, then final by cid"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	err = client.Send(ctx, env.Client, Approvals, run.ID(), Approval{})
	if !errors.Is(err, infinitic.ErrWorkflowFinished) {
		t.Fatalf("send to finished workflow: got %v", err)
	}
	// A value sent to an id not started yet is kept for a while (the
	// clock skips it here), then refused.
	if err := client.Send(ctx, env.Client, Approvals, "nobody", Approval{}); !errors.Is(err, infinitic.ErrInstanceNotFound) {
		t.Fatalf("send to unknown workflow: got %v", err)
	}
}

func TestChannelTimeoutThenSignalFromAnotherWorkflow(t *testing.T) {
	env := newExpenseEnv(t)
	ctx := testCtx(t)
	review, err := client.Start(ctx, env.Client, Expense.Review, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	relay, err := client.Start(ctx, env.Client, Expense.Forward, review.ID())
	if err != nil {
		t.Fatal(err)
	}
	// Let the review time out first (time skips once all is idle).
	waitFor(ctx, t, env, func() bool { return env.Clock.Now().After(infinitictest.Start.Add(time.Minute - 1)) })
	if err := client.Send(ctx, env.Client, Approvals, relay.ID(), Approval{By: "dan"}); err != nil {
		t.Fatal(err)
	}
	if got, err := relay.Await(ctx); err != nil || got != "forwarded" {
		t.Fatalf("relay: %q %v", got, err)
	}
	got, err := review.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := "timeout, then final by relay:dan"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestInvalidChannel(t *testing.T) {
	env := newExpenseEnv(t)
	bad := workflow.NewChannel[Expense, int]("no spaces")
	if err := client.Send(testCtx(t), env.Client, bad, "x", 1); !errors.Is(err, infinitic.ErrInvalidContract) {
		t.Fatalf("got %v", err)
	}
}
