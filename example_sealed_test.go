package infinitic_test

import (
	"context"
	"fmt"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Payment is a sealed family: a method returns one of its variants.
type Payment interface{ isPayment() }

type (
	Card     struct{ Last4 string }
	Transfer struct{ IBAN string }
)

func (Card) isPayment()     {}
func (Transfer) isPayment() {}

// Checkout is a workflow contract returning the family.
type Checkout interface {
	Pay(ctx workflow.Context, method string) (Payment, error)
}

type checkout struct{}

func (checkout) Pay(_ workflow.Context, method string) (Payment, error) {
	if method == "card" {
		return Card{Last4: "4242"}, nil
	}
	return Transfer{IBAN: "FR76..."}, nil
}

// Sealed lets a method return an interface: the result travels with the
// name of its concrete type and comes back as that type.
func ExampleSealed() {
	ctx := context.Background()
	aliases := []infinitic.Alias{infinitic.Sealed[Payment](Card{}, Transfer{})} // same on clients and workers
	tr, st := memory.New(), memstore.New()
	defer tr.Close()
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Aliases: aliases})
	if err != nil {
		panic(err)
	}
	if err := worker.AddWorkflow(w, func() Checkout { return checkout{} }); err != nil {
		panic(err)
	}
	workerCtx, stop := context.WithCancel(ctx)
	stopped := make(chan error)
	go func() { stopped <- w.Run(workerCtx) }()
	defer func() { stop(); <-stopped }()
	c, err := client.New(ctx, client.Config{Transport: tr, Aliases: aliases})
	if err != nil {
		panic(err)
	}
	defer c.Close()

	for _, method := range []string{"card", "transfer"} {
		p, err := client.Execute(ctx, c, Checkout.Pay, method)
		fmt.Printf("%#v %v\n", p, err)
	}
	// Output:
	// infinitic_test.Card{Last4:"4242"} <nil>
	// infinitic_test.Transfer{IBAN:"FR76..."} <nil>
}
