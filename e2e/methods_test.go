package e2e_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Cart is a workflow with fields: its main method waits until closed,
// other methods run in parallel on the same fields, getters read them.
type Cart interface {
	Open(ctx workflow.Context, owner string) (int, error)
	Add(ctx workflow.Context, price int) (int, error)
	Total(ctx workflow.Context) (int, error)
	Sneaky(ctx workflow.Context) (int, error)
}

var CloseCart = workflow.NewChannel[Cart, bool]("close")

type cart struct {
	owner string
	total int
}

func (c *cart) Open(ctx workflow.Context, owner string) (int, error) {
	c.owner = owner
	if _, err := CloseCart.Receive(ctx).Await(ctx); err != nil {
		return 0, err
	}
	return c.total, nil
}

// Add prices an item with a task, then updates the shared total.
func (c *cart) Add(ctx workflow.Context, price int) (int, error) {
	taxed, err := workflow.Call(ctx, Calc.Add, AddInput{price, price / 10})
	if err != nil {
		return 0, err
	}
	c.total += taxed
	return c.total, nil
}

func (c *cart) Total(ctx workflow.Context) (int, error) { return c.total, nil }

// Sneaky is a getter that breaks the rules: it starts a task.
func (c *cart) Sneaky(ctx workflow.Context) (int, error) {
	return workflow.Call(ctx, Calc.Add, AddInput{1, 1})
}

func TestParallelMethodsAndGetters(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []worker.WorkflowOption
	}{{"live", nil}, {"replay each step", []worker.WorkflowOption{worker.WithCacheSize(0)}}} {
		t.Run(tc.name, func(t *testing.T) {
			env := infinitictest.New(t)
			if err := worker.AddService[Calc](env.Worker, &calc{}); err != nil {
				t.Fatal(err)
			}
			if err := worker.AddWorkflow(env.Worker, func() Cart { return &cart{} }, tc.opts...); err != nil {
				t.Fatal(err)
			}
			env.Start()
			ctx := testCtx(t)
			main, err := client.Start(ctx, env.Client, Cart.Open, "ann")
			if err != nil {
				t.Fatal(err)
			}
			a, err := client.StartMethod(ctx, env.Client, Cart.Add, main.ID(), 100)
			if err != nil {
				t.Fatal(err)
			}
			b, err := client.StartMethod(ctx, env.Client, Cart.Add, main.ID(), 50)
			if err != nil {
				t.Fatal(err)
			}
			ta, errA := a.Await(ctx)
			tb, errB := b.Await(ctx)
			if errA != nil || errB != nil || max(ta, tb) != 165 {
				t.Fatalf("parallel adds: %d %v, %d %v", ta, errA, tb, errB)
			}
			if total, err := client.Get(ctx, env.Client, Cart.Total, main.ID()); err != nil || total != 165 {
				t.Fatalf("getter: %d %v", total, err)
			}
			if _, err := client.Get(ctx, env.Client, Cart.Sneaky, main.ID()); err == nil || !strings.Contains(err.Error(), "getter must only read") {
				t.Fatalf("getter calling a task: got %v", err)
			}
			if err := client.Send(ctx, env.Client, CloseCart, main.ID(), true); err != nil {
				t.Fatal(err)
			}
			if got, err := main.Await(ctx); err != nil || got != 165 {
				t.Fatalf("main: %d %v", got, err)
			}
			// The instance has ended: new methods and getters are refused.
			late, err := client.StartMethod(ctx, env.Client, Cart.Add, main.ID(), 1)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := late.Await(ctx); !errors.Is(err, infinitic.ErrWorkflowFinished) {
				t.Fatalf("method on a finished instance: %v", err)
			}
			if _, err := client.Get(ctx, env.Client, Cart.Total, main.ID()); !errors.Is(err, infinitic.ErrWorkflowFinished) {
				t.Fatalf("getter on a finished instance: %v", err)
			}
		})
	}
}
