package e2e_test

import (
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// LedgerEntry is a sealed family whose member Deposit was renamed Credit
// in a new version of the code; Refund keeps its Go name.
type LedgerEntry interface{ isLedgerEntry() }

type Deposit struct{ Amount int } // the old name of Credit
type Credit struct{ Amount int }
type Refund struct{ Amount int }

func (Deposit) isLedgerEntry() {}
func (Credit) isLedgerEntry()  {}
func (Refund) isLedgerEntry()  {}

type Ledger interface {
	Sum(ctx workflow.Context, n int) (int, error)
}

// OldEntries is the channel as the old code declares it (senders not
// upgraded yet); NewEntries as the new code does.
var (
	OldEntries = workflow.NewChannel[Ledger, LedgerEntry]("entries").Variants(Deposit{}, Refund{})
	NewEntries = workflow.NewChannel[Ledger, LedgerEntry]("entries").Variants(Credit{}, &Refund{})
)

type ledger struct{}

// Sum takes the credits first (a typed receive), then n other entries.
func (ledger) Sum(ctx workflow.Context, n int) (int, error) {
	c, err := workflow.ReceiveOf[Credit](ctx, NewEntries).Await(ctx)
	if err != nil {
		return 0, err
	}
	total := c.Amount
	for range n {
		e, err := NewEntries.Receive(ctx).Await(ctx)
		if err != nil {
			return 0, err
		}
		switch e := e.(type) {
		case Credit:
			total += e.Amount
		case *Refund:
			total -= e.Amount
		}
	}
	return total, nil
}

// TestVariantNamesSurviveRenames: a variant is named on the wire by the
// naming table, not by its reflect type name. A value sent as Deposit by
// old code is received as Credit by new code that renamed the type and
// kept its wire name with infinitic.Name; Refund, a value type for the
// sender and a pointer type for the receiver, keeps its Go name.
func TestVariantNamesSurviveRenames(t *testing.T) {
	env := infinitictest.New(t, infinitictest.WithAliases(infinitic.Name[Credit]("Deposit")))
	if err := worker.AddWorkflow(env.Worker, func() Ledger { return ledger{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, Ledger.Sum, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []LedgerEntry{Refund{Amount: 5}, Deposit{Amount: 100}, Deposit{Amount: 20}} {
		if err := client.Send(ctx, env.Client, OldEntries, run.ID(), e); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := run.Await(ctx); err != nil || got != 115 {
		t.Fatalf("got %d, %v; want 115", got, err)
	}
}
