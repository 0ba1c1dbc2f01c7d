package client_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/infinitic-go/infinitic/inmemory"
	"sync/atomic"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Mailer is a service contract.
type Mailer interface {
	Send(ctx context.Context, to string) (string, error)
}

// mailer counts the mails it sends.
type mailer struct{ sent atomic.Int64 }

func (m *mailer) Send(ctx context.Context, to string) (string, error) {
	m.sent.Add(1)
	return "welcome mail sent to " + to, nil
}

// Welcome is a workflow contract.
type Welcome interface {
	Greet(ctx workflow.Context, email string) (string, error)
}

type welcome struct{}

func (welcome) Greet(ctx workflow.Context, email string) (string, error) {
	return workflow.Call(ctx, Mailer.Send, email)
}

// deploy runs a worker on an in-memory transport and store, and returns a
// client and a function that stops everything.
func deploy(m *mailer) (*client.Client, func()) {
	d, err := inmemory.Start(context.Background(), func(w *worker.Worker) error {
		return errors.Join(
			worker.AddService[Mailer](w, m),
			worker.AddWorkflow(w, func() Welcome { return welcome{} }),
		)
	})
	if err != nil {
		panic(err)
	}
	return d.Client, func() { _ = d.Close() }
}

// Start returns as soon as the workflow is dispatched; Await waits for its
// result. Starting again with the same id joins the running instance
// instead of starting a second one.
func ExampleStart() {
	m := &mailer{}
	c, stop := deploy(m)
	defer stop()
	ctx := context.Background()

	run, err := client.Start(ctx, c, Welcome.Greet, "ada@example.com", client.WithID("welcome-ada"))
	if err != nil {
		panic(err)
	}
	again, err := client.Start(ctx, c, Welcome.Greet, "ada@example.com", client.WithID("welcome-ada"))
	if err != nil {
		panic(err)
	}
	fmt.Println(run.ID())
	fmt.Println(run.Await(ctx))
	fmt.Println(again.Await(ctx))
	fmt.Println("mails sent:", m.sent.Load())
	// Output:
	// welcome-ada
	// welcome mail sent to ada@example.com <nil>
	// welcome mail sent to ada@example.com <nil>
	// mails sent: 1
}

// Execute starts a workflow and waits for its result.
func ExampleExecute() {
	c, stop := deploy(&mailer{})
	defer stop()
	fmt.Println(client.Execute(context.Background(), c, Welcome.Greet, "grace@example.com"))
	// Output:
	// welcome mail sent to grace@example.com <nil>
}

// Attach gets a handle on a workflow started elsewhere, from its id.
func ExampleAttach() {
	c, stop := deploy(&mailer{})
	defer stop()
	ctx := context.Background()
	run, err := client.Start(ctx, c, Welcome.Greet, "alan@example.com")
	if err != nil {
		panic(err)
	}
	attached, err := client.Attach(c, Welcome.Greet, run.ID())
	if err != nil {
		panic(err)
	}
	fmt.Println(attached.Await(ctx))

	// An id no workflow was started with is unknown.
	unknown, err := client.Attach(c, Welcome.Greet, "never-started")
	if err != nil {
		panic(err)
	}
	_, err = unknown.Await(ctx)
	fmt.Println(errors.Is(err, infinitic.ErrInstanceNotFound))
	// Output:
	// welcome mail sent to alan@example.com <nil>
	// true
}

// Describe tells what the store knows of an instance, typed: its status,
// method, tags, custom id, parent, and for a failed instance the error.
func ExampleRun_Describe() {
	c, stop := deploy(&mailer{})
	defer stop()
	ctx := context.Background()
	run, err := client.Start(ctx, c, Welcome.Greet, "ada@example.com",
		client.WithCustomID("ada"), client.WithTags("cohort:2026"))
	if err != nil {
		panic(err)
	}
	if _, err := run.Await(ctx); err != nil {
		panic(err)
	}
	d, err := run.Describe(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Workflow, d.Method, d.Status, d.Status.Finished(), d.CustomID, d.Tags, d.Err)
	// Output:
	// Welcome Greet completed true ada [cohort:2026 customId:ada] <nil>
}
