package client_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Stock is a service contract; its implementation fails while empty.
type Stock interface {
	Reserve(ctx context.Context, item string) (string, error)
}

type stock struct{ filled *atomic.Bool }

func (s stock) Reserve(_ context.Context, item string) (string, error) {
	if !s.filled.Load() {
		return "", errors.New("out of stock")
	}
	return item + " reserved", nil
}

// Order is a workflow contract.
type Order interface {
	Place(ctx workflow.Context, item string) (string, error)
}

type order struct{}

func (order) Place(ctx workflow.Context, item string) (string, error) {
	return workflow.Call(ctx, Stock.Reserve, item)
}

// A failed instance keeps its history: once the cause is fixed, RetryTasks
// runs its failed task again (here: the first failed task of service
// Stock) and the workflow continues as if it had not failed.
func ExampleRun_RetryTasks() {
	ctx := context.Background()
	filled := &atomic.Bool{}
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		return errors.Join(
			worker.AddService[Stock](w, stock{filled}, worker.WithRetry(infinitic.NoRetry)),
			worker.AddWorkflow(w, func() Order { return order{} }),
		)
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	run, err := client.Start(ctx, d.Client, Order.Place, "bike")
	if err != nil {
		panic(err)
	}
	_, err = run.Await(ctx)
	var task *infinitic.TaskFailedError
	fmt.Println(errors.As(err, &task), task.Cause)

	filled.Store(true)
	if err := run.RetryTasks(ctx, client.WithTaskService[Stock]()); err != nil {
		panic(err)
	}
	fmt.Println(run.Await(ctx))
	fmt.Println(errors.Is(run.RetryTasks(ctx), infinitic.ErrNotFailed))
	// Output:
	// true out of stock
	// bike reserved <nil>
	// true
}
