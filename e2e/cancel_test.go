package e2e_test

import (
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

type Tree interface {
	// Parent starts a child that waits forever, then waits for it.
	Parent(ctx workflow.Context, _ int) (string, error)
	Child(ctx workflow.Context, _ int) (string, error)
	// CancelChild starts a child and cancels it from workflow code.
	CancelChild(ctx workflow.Context, _ int) (string, error)
}

type tree struct{}

func (tree) Parent(ctx workflow.Context, _ int) (string, error) {
	return workflow.CallChild(ctx, Tree.Child, 0)
}

func (tree) Child(ctx workflow.Context, _ int) (string, error) {
	n, err := workflow.Call(ctx, Nobody.Never, 0)
	return fmt.Sprint(n), err
}

func (tree) CancelChild(ctx workflow.Context, _ int) (string, error) {
	child := workflow.DispatchChild(ctx, Tree.Child, 0)
	timer := workflow.Timer(ctx, time.Hour)
	if err := workflow.Sleep(ctx, time.Minute); err != nil {
		return "", err
	}
	if err := child.Cancel(ctx); err != nil {
		return "", err
	}
	if err := timer.Cancel(ctx); err != nil {
		return "", err
	}
	_, err := child.Await(ctx)
	return fmt.Sprintf("child %s, timer %s, canceled error: %v", child.Status(), timer.Status(), errors.Is(err, infinitic.ErrCanceled)), nil
}

func newTreeEnv(t *testing.T) *infinitictest.Env {
	env := infinitictest.New(t, infinitictest.WithUnhosted("Nobody"))
	if err := worker.AddWorkflow(env.Worker, func() Tree { return tree{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return env
}

func TestCancelPropagatesToChildren(t *testing.T) {
	env := newTreeEnv(t)
	ctx := testCtx(t)
	parent, err := client.Start(ctx, env.Client, Tree.Parent, 0)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, env, func() bool { return env.Transport.Pending("svc.Nobody") == 1 })
	if err := parent.Cancel(ctx, "user asked"); err != nil {
		t.Fatal(err)
	}
	_, err = parent.Await(ctx)
	var canceled *infinitic.CanceledError
	if !errors.As(err, &canceled) || canceled.Reason != "user asked" || canceled.ID != parent.ID() {
		t.Fatalf("want CanceledError, got %v", err)
	}
	child, _ := client.Attach(env.Client, Tree.Child, parent.ID()+".0")
	if _, err := child.Await(ctx); !errors.Is(err, infinitic.ErrCanceled) {
		t.Fatalf("child: want canceled, got %v", err)
	}
	if err := parent.Cancel(ctx, "again"); !errors.Is(err, infinitic.ErrWorkflowFinished) {
		t.Fatalf("second cancel: got %v", err)
	}
}

// A cancel for an id not started yet is kept until it starts. The clock
// stays still: skipping time while the cancel waits would expire it (early
// messages live one minute) before the start.
func TestEarlyCancelKeptUntilStart(t *testing.T) {
	env := infinitictest.New(t, infinitictest.WithUnhosted("Nobody"), infinitictest.WithoutTimeSkipping())
	if err := worker.AddWorkflow(env.Worker, func() Tree { return tree{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	early, _ := client.Attach(env.Client, Tree.Parent, "early")
	cancelDone := make(chan error, 1)
	go func() { cancelDone <- early.Cancel(ctx, "before start") }()
	waitFor(ctx, t, env, func() bool { return env.Transport.Idle() })
	if _, err := client.Start(ctx, env.Client, Tree.Parent, 0, client.WithID("early")); err != nil {
		t.Fatal(err)
	}
	if err := <-cancelDone; err != nil {
		t.Fatalf("early cancel: %v", err)
	}
	if _, err := early.Await(ctx); !errors.Is(err, infinitic.ErrCanceled) {
		t.Fatalf("early cancel: workflow not canceled: %v", err)
	}
}

func TestCancelDeferredFromWorkflowCode(t *testing.T) {
	env := newTreeEnv(t)
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, Tree.CancelChild, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := run.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := "child canceled, timer canceled, canceled error: true"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	child, _ := client.Attach(env.Client, Tree.Child, run.ID()+".0")
	if _, err := child.Await(ctx); !errors.Is(err, infinitic.ErrCanceled) {
		t.Fatalf("child: want canceled, got %v", err)
	}
}
