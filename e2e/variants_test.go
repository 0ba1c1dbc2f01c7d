package e2e_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// OrderEvent is a "sealed" family of values sent to an order workflow.
type OrderEvent interface{ isOrderEvent() }

type Paid struct{ Amount int }
type Shipped struct{ Carrier string }
type Refunded struct{ Amount int }

func (Paid) isOrderEvent()     {}
func (Shipped) isOrderEvent()  {}
func (Refunded) isOrderEvent() {}

type OrderFlow interface {
	Track(ctx workflow.Context, _ int) (string, error)
}

var OrderEvents = workflow.NewChannel[OrderFlow, OrderEvent]("events").Variants(Paid{}, Shipped{})

type orderFlow struct{}

// Track waits for the shipment first (a typed receive), then takes the
// oldest remaining event, whatever its type.
func (orderFlow) Track(ctx workflow.Context, _ int) (string, error) {
	s, err := workflow.ReceiveOf[Shipped](ctx, OrderEvents).Await(ctx)
	if err != nil {
		return "", err
	}
	next, err := OrderEvents.Receive(ctx).Await(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("shipped by %s, then %T %+v", s.Carrier, next, next), nil
}

func TestChannelVariants(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []worker.WorkflowOption
	}{{"live", nil}, {"replay each step", []worker.WorkflowOption{worker.WithCacheSize(0)}}} {
		t.Run(tc.name, func(t *testing.T) {
			env := infinitictest.New(t)
			if err := worker.AddWorkflow(env.Worker, func() OrderFlow { return orderFlow{} }, tc.opts...); err != nil {
				t.Fatal(err)
			}
			env.Start()
			ctx := testCtx(t)
			run, err := client.Start(ctx, env.Client, OrderFlow.Track, 0)
			if err != nil {
				t.Fatal(err)
			}
			// Paid arrives first but the workflow waits for Shipped: Paid is kept.
			for _, e := range []OrderEvent{Paid{Amount: 30}, Shipped{Carrier: "UPS"}} {
				if err := client.Send(ctx, env.Client, OrderEvents, run.ID(), e); err != nil {
					t.Fatal(err)
				}
			}
			got, err := run.Await(ctx)
			if want := "shipped by UPS, then e2e_test.Paid {Amount:30}"; err != nil || got != want {
				t.Fatalf("got %q %v, want %q", got, err, want)
			}
			if err := client.Send(ctx, env.Client, OrderEvents, run.ID(), OrderEvent(Refunded{1})); !errors.Is(err, infinitic.ErrInvalidContract) {
				t.Fatalf("a type that is not a variant: %v", err)
			}
		})
	}
}
