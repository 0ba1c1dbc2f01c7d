package replayer_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/replayer"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Stock is a service contract.
type Stock interface {
	Reserve(ctx context.Context, item string) (string, error)
}

type stock struct{}

func (stock) Reserve(_ context.Context, item string) (string, error) { return "reserved " + item, nil }

// Order is a workflow contract.
type Order interface {
	Place(ctx workflow.Context, item string) (string, error)
}

var payments = workflow.NewChannel[Order, string]("payments")

// order reserves the item, then waits for its payment.
type order struct{}

func (order) Place(ctx workflow.Context, item string) (string, error) {
	r, err := workflow.Call(ctx, Stock.Reserve, item)
	if err != nil {
		return "", err
	}
	paid, err := payments.Receive(ctx).Await(ctx)
	return r + ", paid by " + paid, err
}

// orderPaidFirst is a change that running instances cannot take: it
// waits for the payment before reserving.
type orderPaidFirst struct{}

func (orderPaidFirst) Place(ctx workflow.Context, item string) (string, error) {
	paid, err := payments.Receive(ctx).Await(ctx)
	if err != nil {
		return "", err
	}
	r, err := workflow.Call(ctx, Stock.Reserve, item)
	return r + ", paid by " + paid, err
}

// Replay a running instance's history against the code that runs it, then
// against a change: the change would fail the instance.
func ExampleReplay() {
	ctx := context.Background()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		return errors.Join(worker.AddService[Stock](w, stock{}), worker.AddWorkflow(w, func() Order { return order{} }))
	})
	if err != nil {
		panic(err)
	}
	defer d.Stop(&err)
	if _, err := client.Start(ctx, d.Client, Order.Place, "book", client.WithID("order-1")); err != nil {
		panic(err)
	}
	// What `infinitic workflow export Order order-1` prints, once the
	// instance waits for its payment.
	var h *replayer.History
	for h == nil || len(h.Commands) < 2 {
		time.Sleep(10 * time.Millisecond)
		h, _ = replayer.Load(ctx, d.Store, "Order", "order-1")
	}
	fmt.Println("history:", h.Commands)

	fmt.Println("same code:", replayer.Replay(h, func() Order { return order{} }))
	err = replayer.Replay(h, func() Order { return orderPaidFirst{} })
	var nd *infinitic.NonDeterminismError
	if errors.As(err, &nd) {
		fmt.Printf("changed code: at position %d, history has %s, code issued %s\n", nd.Position, nd.Want, nd.Got)
	}
	// Output:
	// history: [task Stock.Reserve receive payments]
	// same code: <nil>
	// changed code: at position 0, history has task Stock.Reserve, code issued receive payments
}
