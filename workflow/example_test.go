package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/infinitic-go/infinitic/inmemory"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Pricing is a service contract.
type Pricing interface {
	Price(ctx context.Context, item string) (int, error)
	Discount(ctx context.Context, price int) (int, error)
}

type pricing struct{}

var prices = map[string]int{"apple": 3, "bread": 5, "cheese": 12}

func (pricing) Price(ctx context.Context, item string) (int, error) {
	p, ok := prices[item]
	if !ok {
		// Retrying cannot help: fail the task at once.
		return 0, infinitic.NonRetryable(fmt.Errorf("no price for %q", item))
	}
	return p, nil
}

func (pricing) Discount(ctx context.Context, price int) (int, error) { return price * 9 / 10, nil }

// Cart is a workflow contract; each method shows one API call.
type Cart interface {
	Total(ctx workflow.Context, items []string) (int, error)
	DiscountedTotal(ctx workflow.Context, items []string) (int, error)
	FirstOrTimeout(ctx workflow.Context, item string) (string, error)
	Currency(ctx workflow.Context) (string, error)
}

type cart struct{}

// Total prices every item in parallel: one task per item, then All.
func (cart) Total(ctx workflow.Context, items []string) (int, error) {
	var ds []workflow.Deferred[int]
	for _, item := range items {
		ds = append(ds, workflow.Dispatch(ctx, Pricing.Price, item))
	}
	ps, err := workflow.All(ds...).Await(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, p := range ps {
		total += p
	}
	return total, nil
}

// DiscountedTotal runs one Async branch per item; each branch calls two
// tasks in sequence, and the branches run in parallel.
func (cart) DiscountedTotal(ctx workflow.Context, items []string) (int, error) {
	var ds []workflow.Deferred[int]
	for _, item := range items {
		ds = append(ds, workflow.Async(ctx, func(ctx workflow.Context) (int, error) {
			p, err := workflow.Call(ctx, Pricing.Price, item)
			if err != nil {
				return 0, err
			}
			return workflow.Call(ctx, Pricing.Discount, p)
		}))
	}
	ps, err := workflow.All(ds...).Await(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, p := range ps {
		total += p
	}
	return total, nil
}

// FirstOrTimeout races a task against a durable timer with Any.
func (cart) FirstOrTimeout(ctx workflow.Context, item string) (string, error) {
	price := workflow.Dispatch(ctx, Pricing.Price, item)
	timer := workflow.Timer(ctx, time.Hour)
	return workflow.Any(
		workflow.Async(ctx, func(ctx workflow.Context) (string, error) {
			p, err := price.Await(ctx)
			return fmt.Sprintf("%s costs %d", item, p), err
		}),
		workflow.Async(ctx, func(ctx workflow.Context) (string, error) {
			_, err := timer.Await(ctx)
			return "no price within an hour", err
		}),
	).Await(ctx)
}

// config stands for anything outside the workflow's history: a file, an
// environment variable, a clock.
var config = map[string]string{"currency": "EUR"}

// Currency reads the configuration once; replays return the recorded value.
func (cart) Currency(ctx workflow.Context) (string, error) {
	return workflow.Inline(ctx, func() (string, error) { return config["currency"], nil })
}

// deploy runs a worker with Pricing and Cart on an in-memory transport and
// store, and returns a client and a function that stops everything.
func deploy() (*client.Client, func()) {
	d, err := inmemory.Start(context.Background(), func(w *worker.Worker) error {
		return errors.Join(
			worker.AddService[Pricing](w, pricing{}),
			worker.AddWorkflow(w, func() Cart { return cart{} }),
		)
	})
	if err != nil {
		panic(err)
	}
	return d.Client, func() { _ = d.Close() }
}

func ExampleAll() {
	c, stop := deploy()
	defer stop()
	total, err := client.Execute(context.Background(), c, Cart.Total, []string{"apple", "bread", "cheese"})
	fmt.Println(total, err)
	// All fails with the first failure.
	_, err = client.Execute(context.Background(), c, Cart.Total, []string{"apple", "caviar"})
	var failed *infinitic.TaskFailedError
	if errors.As(err, &failed) {
		fmt.Println(failed.Method, "failed:", failed.Cause)
	}
	// Output:
	// 20 <nil>
	// Price failed: no price for "caviar"
}

func ExampleAsync() {
	c, stop := deploy()
	defer stop()
	total, err := client.Execute(context.Background(), c, Cart.DiscountedTotal, []string{"bread", "cheese"})
	fmt.Println(total, err)
	// Output:
	// 14 <nil>
}

func ExampleAny() {
	c, stop := deploy()
	defer stop()
	first, err := client.Execute(context.Background(), c, Cart.FirstOrTimeout, "cheese")
	fmt.Println(first, err)
	// Output:
	// cheese costs 12 <nil>
}

func ExampleInline() {
	c, stop := deploy()
	defer stop()
	currency, err := client.Execute0(context.Background(), c, Cart.Currency)
	fmt.Println(currency, err)
	// Output:
	// EUR <nil>
}
