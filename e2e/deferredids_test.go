package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Recorder answers with the task id its method saw.
type Recorder interface {
	Record(ctx context.Context, n int) (string, error)
}

type recorder struct{}

func (recorder) Record(ctx context.Context, _ int) (string, error) {
	task, _ := infinitic.TaskFrom(ctx)
	return task.ID, nil
}

type Lineage interface {
	Parent(ctx workflow.Context, _ int) (string, error)
	Child(ctx workflow.Context, _ int) (string, error)
	Abandon(ctx workflow.Context, _ int) (string, error)
	Hang(ctx workflow.Context, _ int) (string, error)
}

type lineage struct{}

// Parent reports what its Deferreds say they wait for, next to what the
// task and the child saw.
func (lineage) Parent(ctx workflow.Context, _ int) (string, error) {
	task := workflow.Dispatch(ctx, Recorder.Record, 1)
	child := workflow.DispatchChild(ctx, Lineage.Child, 0, workflow.WithTimeout(time.Hour))
	timer := workflow.Timer(ctx, time.Millisecond)
	seen, err := task.Await(ctx)
	if err != nil {
		return "", err
	}
	childID, err := child.Await(ctx)
	if err != nil {
		return "", err
	}
	return strings.Join([]string{task.TaskID(), seen, child.ChildID(), childID,
		fmt.Sprintf("%q%q%q", task.ChildID(), child.TaskID(), timer.TaskID()+timer.ChildID())}, "|"), nil
}

func (lineage) Child(ctx workflow.Context, _ int) (string, error) {
	return workflow.GetInfo(ctx).ID, nil
}

// Abandon starts a child with a caller-side timeout, cancels it through
// its Deferred, and returns the child's id.
func (lineage) Abandon(ctx workflow.Context, _ int) (string, error) {
	child := workflow.DispatchChild(ctx, Lineage.Hang, 0, workflow.WithTimeout(time.Hour))
	if err := child.Cancel(ctx); err != nil {
		return "", err
	}
	if _, err := child.Await(ctx); !errors.Is(err, infinitic.ErrCanceled) || child.Status() != workflow.StatusCanceled {
		return "", fmt.Errorf("awaiting the canceled child: %w (%v)", err, child.Status())
	}
	return child.ChildID(), nil
}

func (lineage) Hang(ctx workflow.Context, _ int) (string, error) {
	return "", workflow.Sleep(ctx, 1000*time.Hour)
}

func TestDeferredIdentifiesItsTarget(t *testing.T) {
	env := infinitictest.New(t)
	if err := worker.AddService[Recorder](env.Worker, recorder{}); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() Lineage { return lineage{} }, worker.WithCacheSize(0)); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, Lineage.Parent, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := run.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(got, "|")
	if len(parts) != 5 || parts[0] == "" || parts[0] != parts[1] || parts[2] == "" || parts[2] != parts[3] || parts[4] != `""""""` {
		t.Fatalf("Deferred ids do not match what the task and the child saw: %q", got)
	}
	child, err := client.Attach(env.Client, Lineage.Child, parts[2])
	if err != nil {
		t.Fatal(err)
	}
	d, err := child.Describe(ctx)
	if err != nil || d.ParentID != run.ID() || d.ParentWorkflow != "Lineage" || d.Status != client.StatusCompleted {
		t.Fatalf("child described as %+v, %v", d, err)
	}

	// A child started with a caller-side timeout is canceled through its
	// Deferred, and found by its id.
	abandoned, err := client.Execute(ctx, env.Client, Lineage.Abandon, 0)
	if err != nil {
		t.Fatal(err)
	}
	hung, err := client.Attach(env.Client, Lineage.Hang, abandoned)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, env, func() bool { d, err := hung.Describe(ctx); return err == nil && d.Status == client.StatusCanceled })
}
