package client_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Subscription is a workflow contract: an instance runs until stopped.
type Subscription interface {
	Run(ctx workflow.Context, plan string) (string, error)
}

// Stop tells a subscription why it ends.
var Stop = workflow.NewChannel[Subscription, string]("stop")

type subscription struct{}

func (subscription) Run(ctx workflow.Context, plan string) (string, error) {
	reason, err := Stop.Receive(ctx).Await(ctx)
	return plan + " stopped: " + reason, err
}

// waitRunning waits until the engine applied the start of run: Start
// returns before, once the transport accepted it.
func waitRunning(ctx context.Context, run *client.Run[string]) {
	for {
		d, err := run.Describe(ctx)
		if err == nil && d.Status != client.StatusPending {
			return
		}
		if err != nil && !errors.Is(err, infinitic.ErrInstanceNotFound) {
			panic(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// By-tag functions act on every running instance with a tag; each names
// the workflow as its one-instance twin does (a channel to send, the type
// parameter otherwise) and returns how many instances took it.
func ExampleCancelByTag() {
	ctx := context.Background()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		return worker.AddWorkflow(w, func() Subscription { return subscription{} })
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	c := d.Client
	var runs []*client.Run[string]
	for _, plan := range []string{"pro", "pro", "free"} {
		run, err := client.Start(ctx, c, Subscription.Run, plan, client.WithTags("plan:"+plan))
		if err != nil {
			panic(err)
		}
		waitRunning(ctx, run)
		runs = append(runs, run)
	}
	ids, err := client.FindByTag[Subscription](ctx, c, "plan:pro")
	fmt.Println(len(ids), err)
	fmt.Println(client.SendByTag(ctx, c, Stop, "plan:pro", "moved to another plan"))
	fmt.Println(client.CancelByTag[Subscription](ctx, c, "plan:free", "spam"))
	for _, run := range runs {
		out, err := run.Await(ctx)
		fmt.Printf("%q %v\n", out, errors.Is(err, infinitic.ErrCanceled))
	}
	// Output:
	// 2 <nil>
	// 2 <nil>
	// 1 <nil>
	// "pro stopped: moved to another plan" false
	// "pro stopped: moved to another plan" false
	// "" true
}
