package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

type Payment interface {
	Pay(ctx workflow.Context, customer int) (bool, error)
}

var paid = workflow.NewChannel[Payment, bool]("paid")

type payment struct{}

// Pay indexes its customer and stage, then waits for the payment.
func (payment) Pay(ctx workflow.Context, customer int) (bool, error) {
	if err := workflow.SetSearch(ctx, "customer", customer); err != nil {
		return false, err
	}
	if err := workflow.SetSearch(ctx, "stage", "awaiting-payment"); err != nil {
		return false, err
	}
	return paid.Receive(ctx).Await(ctx)
}

// Find instances by business state: the payments of customer 42 still
// awaiting payment (search fields set by workflow.SetSearch).
func ExampleAdmin_List_search() {
	ctx := context.Background()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		return worker.AddWorkflow(w, func() Payment { return payment{} })
	})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	a, err := admin.New(ctx, admin.Config{Transport: d.Transport, Store: d.Store})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	for id, customer := range map[string]int{"pay-1": 42, "pay-2": 7} {
		if _, err := a.Start(ctx, "Payment", "Pay", json.RawMessage(fmt.Sprint(customer)), admin.StartOptions{ID: id}); err != nil {
			log.Fatal(err)
		}
	}
	customer, err := admin.ParseCond("customer=42") // as `infinitic workflow list --search` reads it
	if err != nil {
		log.Fatal(err)
	}
	filter := admin.Filter{
		Status: []admin.Status{admin.StatusRunning},
		Search: []admin.Cond{customer, {Field: "stage", Op: admin.Eq, Value: "awaiting-payment"}},
	}
	for { // the instances index themselves as they start
		page, err := a.List(ctx, "Payment", filter, 10, "")
		if err != nil {
			log.Fatal(err)
		}
		if len(page.Instances) > 0 {
			in := page.Instances[0]
			fmt.Println(in.ID, in.Search["customer"], in.Search["stage"])
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Output: pay-1 42 awaiting-payment
}
