package events_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/events"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

type Shouter interface {
	Shout(ctx context.Context, s string) (string, error)
}

type shouter struct{}

func (shouter) Shout(ctx context.Context, s string) (string, error) {
	return strings.ToUpper(s) + "!", nil
}

type Greeting interface {
	Greet(ctx workflow.Context, name string) (string, error)
}

type greeting struct{}

func (greeting) Greet(ctx workflow.Context, name string) (string, error) {
	return workflow.Call(ctx, Shouter.Shout, "hello "+name)
}

// Read the events of a finished workflow, then follow new ones live with
// Listen (here, until the next instance completes).
func Example() {
	ctx := context.Background()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		if err := worker.AddService[Shouter](w, shouter{}); err != nil {
			return err
		}
		return worker.AddWorkflow(w, func() Greeting { return greeting{} })
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	if _, err := client.Execute(ctx, d.Client, Greeting.Greet, "Ada", client.WithID("ada")); err != nil {
		panic(err)
	}
	// Every event stored so far, then return.
	err = events.Read(ctx, d.Transport, events.FromStart(), events.Filter{Workflows: []string{"Greeting"}}, func(e events.Event) error {
		fmt.Println(e.Subject(), e.Type())
		return nil
	})
	fmt.Println(err)

	// Live: from now on, until fn returns an error.
	listening, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() {
		done <- events.Listen(listening, d.Transport, events.FromStart(), events.Filter{}, func(e events.Event) error {
			if e.WorkflowID() == "bob" && e.Type() == "infinitic.workflow.completed" {
				fmt.Println("bob completed, event", e.WorkflowSeq(), "of bob")
				stop()
			}
			return nil
		})
	}()
	if _, err := client.Execute(ctx, d.Client, Greeting.Greet, "Bob", client.WithID("bob")); err != nil {
		panic(err)
	}
	fmt.Println(<-done)
	// Output:
	// ada infinitic.workflow.dispatch
	// ada infinitic.workflow.started
	// ada infinitic.workflow.taskDispatched
	// Greeting/ada/0/0 infinitic.task.started
	// Greeting/ada/0/0 infinitic.task.completed
	// ada infinitic.workflow.completed
	// <nil>
	// bob completed, event 4 of bob
	// <nil>
}
