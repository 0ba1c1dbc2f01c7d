package workflow_test

import (
	"context"
	"fmt"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Ledger is an entity per customer: it sums the amounts sent to it.
type Ledger interface {
	Sum(ctx workflow.Context, entries int) (int, error)
	// Book is an order that records its amount in its customer's ledger.
	Book(ctx workflow.Context, b Booking) (string, error)
}

// Booking is one order's amount for one customer.
type Booking struct {
	Customer string
	Amount   int
}

var LedgerEntries = workflow.NewChannel[Ledger, int]("entries")

type ledger struct{}

func (ledger) Sum(ctx workflow.Context, entries int) (int, error) {
	total := 0
	for range entries {
		n, err := LedgerEntries.Receive(ctx).Await(ctx)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// Book sends its amount to the customer's ledger, starting the ledger if
// none runs for that customer (a custom id): one recorded command, never
// sent twice by a replay, and two orders racing start one ledger.
func (ledger) Book(ctx workflow.Context, b Booking) (string, error) {
	err := workflow.SignalWithStart(ctx, workflow.Target{CustomID: "ledger:" + b.Customer}, LedgerEntries, b.Amount, Ledger.Sum, 3)
	return "booked", err
}

// SignalWithStart from workflow code: two orders of one customer and a
// client feed one ledger, started by whichever came first.
func ExampleSignalWithStart() {
	d, err := inmemory.Start(context.Background(), func(w *worker.Worker) error {
		return worker.AddWorkflow(w, func() Ledger { return ledger{} })
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	ctx := context.Background()

	for _, amount := range []int{30, 12} {
		if _, err := client.Execute(ctx, d.Client, Ledger.Book, Booking{Customer: "ada", Amount: amount}); err != nil {
			panic(err)
		}
	}
	// A client sends the third entry the same way (the ledger sums three):
	// whichever arrives first starts the ledger, the others join it.
	run, err := client.SignalWithStart(ctx, d.Client, LedgerEntries, 0, Ledger.Sum, 3, client.WithCustomID("ledger:ada"))
	if err != nil {
		panic(err)
	}
	fmt.Println(run.Await(ctx))
	// Output: 42 <nil>
}
