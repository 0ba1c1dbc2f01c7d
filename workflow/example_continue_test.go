package workflow_test

import (
	"context"
	"fmt"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Wallet is a long-lived entity: it adds the amounts it receives.
type Wallet interface {
	Run(ctx workflow.Context, balance int) (int, error)
}

// Amounts carries what is added to a Wallet; 0 closes it.
var Amounts = workflow.NewChannel[Wallet, int]("amounts")

type wallet struct{}

// Run takes two amounts per run, then continues as new with its balance:
// its history never holds more than two receives, however long it lives.
func (wallet) Run(ctx workflow.Context, balance int) (int, error) {
	for range 2 {
		amount, err := Amounts.Receive(ctx).Await(ctx)
		if err != nil || amount == 0 {
			return balance, err
		}
		balance += amount
	}
	return 0, workflow.ContinueAsNew(ctx, Wallet.Run, balance)
}

// ContinueAsNew restarts an instance with new input and an empty history;
// its id, tags and waiting callers stay, and values that no receive took
// go to the next run.
func ExampleContinueAsNew() {
	d, err := inmemory.Start(context.Background(), func(w *worker.Worker) error {
		return worker.AddWorkflow(w, func() Wallet { return wallet{} })
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	ctx := context.Background()

	run, err := client.Start(ctx, d.Client, Wallet.Run, 100, client.WithID("wallet-ada"))
	if err != nil {
		panic(err)
	}
	for _, amount := range []int{10, 20, 30, 40, 50, 0} {
		if err := client.Send(ctx, d.Client, Amounts, run.ID(), amount); err != nil {
			panic(err)
		}
	}
	fmt.Println(run.Await(ctx))
	desc, err := run.Describe(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("runs after the first:", desc.Run)
	// Output:
	// 250 <nil>
	// runs after the first: 2
}
