package dashboard_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Orders is the workflow the dashboard's tests show: a fraud-check timer,
// a charge, then (when asked) a confirmation on a channel, and a receipt
// issued by a child workflow.
type Orders interface {
	Order(ctx workflow.Context, in OrderInput) (string, error)
}

type OrderInput struct {
	Amount  int
	Confirm bool // wait for a confirmation
}

type confirmation struct{ By string }

var confirmations = workflow.NewChannel[Orders, confirmation]("confirmations")

// Receipts issues receipts, as a child of Orders.
type Receipts interface {
	Issue(ctx workflow.Context, amount int) (string, error)
}

// Till fails to charge negative amounts while broken.
type Till interface {
	Charge(ctx context.Context, amount int) (int, error)
}

type till struct{ broken *atomic.Bool }

var errDeclined = errors.New("card declined")

func (t till) Charge(_ context.Context, amount int) (int, error) {
	if amount < 0 && t.broken.Load() {
		return 0, fmt.Errorf("till broken: cannot charge %d: %w", amount, errDeclined)
	}
	return amount, nil
}

type orders struct{}

func (orders) Order(ctx workflow.Context, in OrderInput) (string, error) {
	if err := workflow.Sleep(ctx, 20*time.Millisecond); err != nil {
		return "", err
	}
	charged, err := workflow.Call(ctx, Till.Charge, in.Amount)
	if err != nil {
		return "", err
	}
	by := "nobody"
	if in.Confirm {
		c, err := confirmations.Receive(ctx).Await(ctx)
		if err != nil {
			return "", err
		}
		by = c.By
	}
	receipt, err := workflow.CallChild(ctx, Receipts.Issue, charged)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s, confirmed by %s", receipt, by), nil
}

type receipts struct{}

func (receipts) Issue(_ workflow.Context, amount int) (string, error) {
	return fmt.Sprintf("receipt for %d", amount), nil
}

// registerOrders adds the workflows and the till to w.
func registerOrders(w *worker.Worker, broken *atomic.Bool) error {
	return errors.Join(
		worker.AddService[Till](w, till{broken}, worker.WithRetry(infinitic.RetryPolicy{MaxRetries: 1, MinDelay: time.Millisecond})),
		worker.AddWorkflow(w, func() Orders { return orders{} }),
		worker.AddWorkflow(w, func() Receipts { return receipts{} }))
}

// The instances that seedOrders starts, one per status.
const (
	orderCompleted = "order-completed"
	orderFailed    = "order-failed"
	orderWaiting   = "order-waiting"
	orderCanceled  = "order-canceled"
)

// seedOrders starts one instance of each status and waits until they
// have it.
func seedOrders(t *testing.T, a *admin.Admin) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := func(id string, in OrderInput) {
		input, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Start(ctx, "Orders", "Order", input, admin.StartOptions{ID: id, Tags: []string{"shop:paris"}}); err != nil {
			t.Fatalf("start %s: %v", id, err)
		}
	}
	start(orderCompleted, OrderInput{Amount: 10})
	start(orderFailed, OrderInput{Amount: -5})
	start(orderWaiting, OrderInput{Amount: 20, Confirm: true})
	start(orderCanceled, OrderInput{Amount: 30, Confirm: true})
	waitStatus(t, a, orderCompleted, admin.StatusCompleted)
	waitStatus(t, a, orderFailed, admin.StatusFailed)
	waitPending(t, a, orderWaiting, admin.StepReceive)
	waitPending(t, a, orderCanceled, admin.StepReceive)
	if err := a.Cancel(ctx, "Orders", orderCanceled, "customer left"); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, a, orderCanceled, admin.StatusCanceled)
}

// waitStatus waits until instance id of Orders has status want.
func waitStatus(t *testing.T, a *admin.Admin, id string, want admin.Status) {
	t.Helper()
	waitInstance(t, a, id, fmt.Sprintf("status %s", want), func(in *admin.Instance) bool { return in.Status == want })
}

// waitPending waits until instance id of Orders waits on a step of kind.
func waitPending(t *testing.T, a *admin.Admin, id string, kind admin.StepKind) {
	t.Helper()
	waitInstance(t, a, id, fmt.Sprintf("a pending %s", kind), func(in *admin.Instance) bool {
		for _, s := range in.Pending {
			if s.Kind == kind {
				return true
			}
		}
		return false
	})
}

func waitInstance(t *testing.T, a *admin.Admin, id, what string, ok func(*admin.Instance) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var last *admin.Instance
	for ctx.Err() == nil {
		in, err := a.Describe(ctx, "Orders", id)
		if err == nil && ok(in) {
			return
		}
		last = in
		time.Sleep(20 * time.Millisecond) // polling the store: no event to wait on
	}
	t.Fatalf("%s never had %s (last: %+v)", id, what, last)
}
