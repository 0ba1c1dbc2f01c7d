package e2e_test

import (
	"context"
	"errors"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Slow is a service whose task waits for its context to end.
type Slow interface {
	Wait(ctx context.Context, n int) (int, error)
}

type slowImpl struct {
	started chan struct{}
	ended   chan error // the cause the task saw
}

func (s slowImpl) Wait(ctx context.Context, n int) (int, error) {
	s.started <- struct{}{}
	<-ctx.Done()
	s.ended <- context.Cause(ctx)
	return 0, ctx.Err()
}

type SlowFlow interface {
	Run(ctx workflow.Context, n int) (int, error)
}

type slowFlow struct{}

func (slowFlow) Run(ctx workflow.Context, n int) (int, error) {
	return workflow.Call(ctx, Slow.Wait, n)
}

// Canceling a workflow reaches its running task through its context.
func TestCancelReachesRunningTask(t *testing.T) {
	env := infinitictest.New(t)
	impl := slowImpl{started: make(chan struct{}, 1), ended: make(chan error, 1)}
	if err := worker.AddService[Slow](env.Worker, impl); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() SlowFlow { return slowFlow{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, SlowFlow.Run, 1)
	if err != nil {
		t.Fatal(err)
	}
	<-impl.started
	if err := run.Cancel(ctx, "stop it"); err != nil {
		t.Fatal(err)
	}
	select {
	case cause := <-impl.ended:
		if !errors.Is(cause, infinitic.ErrCanceled) {
			t.Fatalf("task context cause: %v", cause)
		}
	case <-ctx.Done():
		t.Fatal("the running task was not canceled")
	}
	if _, err := run.Await(ctx); !errors.Is(err, infinitic.ErrCanceled) {
		t.Fatalf("workflow: %v", err)
	}
}
