package workflow_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Labels is a service contract whose method reports the task id it runs
// for.
type Labels interface {
	Print(ctx context.Context, order string) (string, error)
}

type labels struct{}

func (labels) Print(ctx context.Context, _ string) (string, error) {
	task, _ := infinitic.TaskFrom(ctx)
	return task.ID, nil
}

// Order is a workflow contract with a child workflow.
type Order interface {
	Ship(ctx workflow.Context, order string) (string, error)
	Pack(ctx workflow.Context, order string) (string, error)
}

type order struct{}

// Ship compares what its Deferreds say they wait for with what the task
// and the child saw.
func (order) Ship(ctx workflow.Context, o string) (string, error) {
	label := workflow.Dispatch(ctx, Labels.Print, o)
	pack := workflow.DispatchChild(ctx, Order.Pack, o)
	seenByTask, err := label.Await(ctx)
	if err != nil {
		return "", err
	}
	childOwnID, err := pack.Await(ctx)
	return fmt.Sprintf("task id matches: %v, child id matches: %v",
		label.TaskID() == seenByTask, pack.ChildID() == childOwnID), err
}

func (order) Pack(ctx workflow.Context, _ string) (string, error) {
	return workflow.GetInfo(ctx).ID, nil
}

// A Deferred tells what it waits for: the id of its task (as the service
// sees it) or of its child workflow (an instance the client can Attach).
func ExampleDeferred_ChildID() {
	ctx := context.Background()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		return errors.Join(
			worker.AddService[Labels](w, labels{}),
			worker.AddWorkflow(w, func() Order { return order{} }),
		)
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	fmt.Println(client.Execute(ctx, d.Client, Order.Ship, "order-7"))
	// Output:
	// task id matches: true, child id matches: true <nil>
}
