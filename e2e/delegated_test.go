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

// Payments hands charges to an external processor that answers later.
type Payments interface {
	Charge(ctx context.Context, amount int) (string, error)
	Refund(ctx context.Context) (string, error)
}

// processor stands for the external system: it receives task ids.
type processor struct{ tasks chan string }

func (p processor) Charge(ctx context.Context, amount int) (string, error) {
	task, _ := infinitic.TaskFrom(ctx)
	p.tasks <- task.ID
	return "", nil // delegated: this return does not complete the task
}

func (p processor) Refund(ctx context.Context) (string, error) {
	task, _ := infinitic.TaskFrom(ctx)
	p.tasks <- task.ID
	return "", nil
}

type Checkout interface {
	Pay(ctx workflow.Context, amount int) (string, error)
	Refund(ctx workflow.Context) (string, error)
}

type checkout struct{}

func (checkout) Pay(ctx workflow.Context, amount int) (string, error) {
	receipt, err := workflow.Call(ctx, Payments.Charge, amount)
	return "paid: " + receipt, err
}

func (checkout) Refund(ctx workflow.Context) (string, error) {
	receipt, err := workflow.Call0(ctx, Payments.Refund)
	return "refunded: " + receipt, err
}

func TestDelegatedTask(t *testing.T) {
	env := infinitictest.New(t)
	p := processor{tasks: make(chan string, 1)}
	if err := worker.AddService[Payments](env.Worker, p, worker.WithDelegated(Payments.Charge, Payments.Refund)); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() Checkout { return checkout{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, Checkout.Pay, 42)
	if err != nil {
		t.Fatal(err)
	}
	taskID := <-p.tasks
	if err := client.CompleteDelegatedTask(ctx, env.Client, Payments.Charge, taskID, "receipt-7"); err != nil {
		t.Fatal(err)
	}
	// A second completion is ignored.
	if err := client.CompleteDelegatedTask(ctx, env.Client, Payments.Charge, taskID, "receipt-8"); err != nil {
		t.Fatal(err)
	}
	got, err := run.Await(ctx)
	if err != nil || got != "paid: receipt-7" {
		t.Fatalf("got %q %v", got, err)
	}
	refund, err := client.Start0(ctx, env.Client, Checkout.Refund)
	if err != nil {
		t.Fatal(err)
	}
	if err := client.CompleteDelegatedTask0(ctx, env.Client, Payments.Refund, <-p.tasks, "r-1"); err != nil {
		t.Fatal(err)
	}
	if got, err := refund.Await(ctx); err != nil || got != "refunded: r-1" {
		t.Fatalf("zero-argument method: %q %v", got, err)
	}
	if err := client.CompleteDelegatedTask(ctx, env.Client, Payments.Charge, "not a task id", ""); err == nil {
		t.Fatal("malformed task id: want error")
	}
	err = worker.AddService[Payments](env.Worker, p, worker.WithDelegated(Calc.Add))
	if !errors.Is(err, infinitic.ErrInvalidContract) {
		t.Fatalf("Delegated with another contract's method: got %v", err)
	}
}
