package client_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Cart is an entity: the first item sent to a customer's cart starts it.
type Cart interface {
	Fill(ctx workflow.Context, size int) (string, error)
}

var CartItems = workflow.NewChannel[Cart, string]("items")

type cart struct{}

// Fill receives size items, in arrival order.
func (cart) Fill(ctx workflow.Context, size int) (string, error) {
	var items []string
	for range size {
		item, err := CartItems.Receive(ctx).Await(ctx)
		if err != nil {
			return "", err
		}
		items = append(items, item)
	}
	return strings.Join(items, ", "), nil
}

// SignalWithStart sends a value to the instance named by a custom id,
// starting it if it does not run: the first call starts the cart, the
// second only sends to it.
func ExampleSignalWithStart() {
	d, err := inmemory.Start(context.Background(), func(w *worker.Worker) error {
		return worker.AddWorkflow(w, func() Cart { return cart{} })
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	ctx := context.Background()

	first, err := client.SignalWithStart(ctx, d.Client, CartItems, "apple", Cart.Fill, 2, client.WithCustomID("cart:ada"))
	if err != nil {
		panic(err)
	}
	second, err := client.SignalWithStart(ctx, d.Client, CartItems, "pear", Cart.Fill, 2, client.WithCustomID("cart:ada"))
	if err != nil {
		panic(err)
	}
	fmt.Println(first.ID() == second.ID())
	fmt.Println(second.Await(ctx))
	// Output:
	// true
	// apple, pear <nil>
}
