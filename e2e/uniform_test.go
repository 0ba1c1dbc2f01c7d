package e2e_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Family's methods take no argument: every call has its zero-argument
// variant.
type Family interface {
	Parent(ctx workflow.Context) (string, error)
	Child(ctx workflow.Context) (string, error)
}

type family struct{}

func (family) Parent(ctx workflow.Context) (string, error) {
	later := workflow.DispatchChild0(ctx, Family.Child)
	now, err := workflow.CallChild0(ctx, Family.Child)
	if err != nil {
		return "", err
	}
	other, err := later.Await(ctx)
	return now + "+" + other, err
}

func (family) Child(ctx workflow.Context) (string, error) { return workflow.GetInfo(ctx).Method, nil }

func TestZeroArgumentVariants(t *testing.T) {
	env := infinitictest.New(t)
	if err := worker.AddWorkflow(env.Worker, func() Family { return family{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	run, err := client.Start0(ctx, env.Client, Family.Parent, client.WithID("family-1"))
	if err != nil {
		t.Fatal(err)
	}
	attached, err := client.Attach0(env.Client, Family.Parent, "family-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*client.Run[string]{run, attached} {
		if got, err := r.Await(ctx); err != nil || got != "Child+Child" {
			t.Fatalf("got %q %v", got, err)
		}
	}
}

func TestByTagOperations(t *testing.T) {
	env := infinitictest.New(t, infinitictest.WithoutTimeSkipping())
	err := errors.Join(
		worker.AddService[Calc](env.Worker, &calc{}),
		worker.AddWorkflow(env.Worker, func() Cart { return &cart{} }),
		worker.AddWorkflow(env.Worker, func() Waiter { return waiterWF{} }),
	)
	if err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	var carts []*client.Run[int]
	var waiters []*client.Run[string]
	for _, owner := range []string{"ann", "bob"} {
		c, err := client.Start(ctx, env.Client, Cart.Open, owner, client.WithTags("shop"))
		if err != nil {
			t.Fatal(err)
		}
		w, err := client.Start(ctx, env.Client, Waiter.WaitOrTimeout, 1000*time.Hour, client.WithTags("shop"))
		if err != nil {
			t.Fatal(err)
		}
		carts, waiters = append(carts, c), append(waiters, w)
	}
	tagged := func() (carts, waiters []string) {
		carts, err1 := client.FindByTag[Cart](ctx, env.Client, "shop")
		waiters, err2 := client.FindByTag[Waiter](ctx, env.Client, "shop")
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		return carts, waiters
	}
	waitFor(ctx, t, env, func() bool { c, w := tagged(); return len(c) == 2 && len(w) == 2 })

	// A method started on every tagged cart; by tag, nobody awaits it.
	if n, err := client.StartMethodByTag(ctx, env.Client, Cart.Add, "shop", 100); err != nil || n != 2 {
		t.Fatalf("StartMethodByTag: %d %v", n, err)
	}
	waitFor(ctx, t, env, func() bool {
		for _, c := range carts {
			if total, err := client.Get(ctx, env.Client, Cart.Total, c.ID()); err != nil || total != 110 {
				return false
			}
		}
		return true
	})
	if n, err := client.StartMethodByTag0(ctx, env.Client, Cart.Total, "shop"); err != nil || n != 2 {
		t.Fatalf("StartMethodByTag0: %d %v", n, err)
	}
	total, err := client.StartMethod0(ctx, env.Client, Cart.Total, carts[0].ID())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := total.Await(ctx); err != nil || got != 110 {
		t.Fatalf("StartMethod0: %d %v", got, err)
	}

	// Timers fire on every tagged waiter, not on the carts.
	if n, err := client.CompleteTimersByTag[Waiter](ctx, env.Client, "shop"); err != nil || n != 2 {
		t.Fatalf("CompleteTimersByTag: %d %v", n, err)
	}
	for _, w := range waiters {
		if got, err := w.Await(ctx); err != nil || !strings.HasSuffix(got, "task=ongoing") {
			t.Fatalf("waiter after CompleteTimersByTag: %q %v", got, err)
		}
	}
	if n, err := client.CancelByTag[Cart](ctx, env.Client, "shop", "closed"); err != nil || n != 2 {
		t.Fatalf("CancelByTag: %d %v", n, err)
	}
	for _, c := range carts {
		if _, err := c.Await(ctx); !errors.Is(err, infinitic.ErrCanceled) {
			t.Fatalf("cart after CancelByTag: %v", err)
		}
	}
	if c, w := tagged(); len(c)+len(w) != 0 {
		t.Fatalf("finished instances still indexed: %v %v", c, w)
	}
}
