package workflow_test

import (
	"context"
	"fmt"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// DeliveryEvent is a sealed family of values sent to a Delivery.
type DeliveryEvent interface{ isDeliveryEvent() }

// Paid and Shipped travel with their wire names "Paid" and "Shipped";
// after renaming one, give the client and the workers
// infinitic.Name[NewName]("Paid") so that values already sent still arrive.
type (
	Paid    struct{ Amount int }
	Shipped struct{ Carrier string }
)

func (Paid) isDeliveryEvent()     {}
func (*Shipped) isDeliveryEvent() {}

// Delivery is a workflow contract.
type Delivery interface {
	Track(ctx workflow.Context) (string, error)
}

var DeliveryEvents = workflow.NewChannel[Delivery, DeliveryEvent]("events").Variants(Paid{}, &Shipped{})

type delivery struct{}

// Track waits for the shipment first, then takes the oldest other event.
func (delivery) Track(ctx workflow.Context) (string, error) {
	shipped, err := workflow.ReceiveOf[*Shipped](ctx, DeliveryEvents).Await(ctx)
	if err != nil {
		return "", err
	}
	next, err := DeliveryEvents.Receive(ctx).Await(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("shipped by %s, then %#v", shipped.Carrier, next), nil
}

func ExampleChannel_Variants() {
	ctx := context.Background()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		return worker.AddWorkflow(w, func() Delivery { return delivery{} })
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	run, err := client.Start0(ctx, d.Client, Delivery.Track)
	if err != nil {
		panic(err)
	}
	for _, e := range []DeliveryEvent{Paid{Amount: 30}, &Shipped{Carrier: "UPS"}} {
		if err := client.Send(ctx, d.Client, DeliveryEvents, run.ID(), e); err != nil {
			panic(err)
		}
	}
	fmt.Println(run.Await(ctx))
	// Output:
	// shipped by UPS, then workflow_test.Paid{Amount:30} <nil>
}

func ExampleChannel_VariantTypes() {
	fmt.Println(DeliveryEvents.VariantTypes())
	// Output:
	// [workflow_test.Paid *workflow_test.Shipped]
}
