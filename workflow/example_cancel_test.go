package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Escrow holds a debit until the buyer confirms.
type Escrow interface {
	Hold(ctx workflow.Context, account string) (string, error)
}

var EscrowConfirmations = workflow.NewChannel[Escrow, bool]("confirmations")

type escrow struct{}

// Hold debits the account and waits for a confirmation; canceled
// meanwhile, its saga refunds the debit before the instance ends.
func (escrow) Hold(ctx workflow.Context, account string) (string, error) {
	workflow.HandleCancel(ctx, time.Hour) // a cancel reaches this code, cleanup within an hour
	saga := workflow.NewSaga()
	if _, err := workflow.Call(ctx, Bank.Debit, account); err != nil {
		return "", saga.Compensate(ctx, err)
	}
	saga.Add(workflow.Undo(Bank.Refund, account))
	if _, err := EscrowConfirmations.Receive(ctx).Await(ctx); err != nil { // the cancel's error
		return "", saga.Compensate(ctx, err) // runs disconnected from the cancel
	}
	return "released", nil
}

// HandleCancel: a canceled instance runs its saga's compensations.
func ExampleHandleCancel() {
	b := &bank{}
	d, err := inmemory.Start(context.Background(), func(w *worker.Worker) error {
		if err := worker.AddService[Bank](w, b); err != nil {
			return err
		}
		return worker.AddWorkflow(w, func() Escrow { return escrow{} })
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	ctx := context.Background()

	run, err := client.Start(ctx, d.Client, Escrow.Hold, "ada")
	if err != nil {
		panic(err)
	}
	for { // wait until the debit is done and the instance waits (its second command)
		raw, err := run.Inspect(ctx)
		var view struct{ Commands int }
		if err == nil && json.Unmarshal(raw, &view) == nil && view.Commands == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err := run.Cancel(ctx, "buyer left"); err != nil {
		panic(err)
	}
	_, err = run.Await(ctx)
	fmt.Println(errors.Is(err, infinitic.ErrCanceled), b.entries())
	// Output: true [debited ada refunded ada]
}

func (b *bank) entries() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.log...)
}
