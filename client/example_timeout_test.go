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

// Signup waits for its email to be confirmed.
type Signup interface {
	Confirm(ctx workflow.Context, email string) (string, error)
}

var Confirmations = workflow.NewChannel[Signup, string]("confirmations")

type signup struct{}

func (signup) Confirm(ctx workflow.Context, email string) (string, error) {
	code, err := Confirmations.Receive(ctx).Await(ctx)
	return email + " confirmed with " + code, err
}

// WithTimeout gives an instance a deadline: nobody confirms, so the
// engine cancels it when the deadline passes, with an error matching
// infinitic.ErrWorkflowTimedOut (and infinitic.ErrCanceled).
func ExampleWithTimeout() {
	d, err := inmemory.Start(context.Background(), func(w *worker.Worker) error {
		return worker.AddWorkflow(w, func() Signup { return signup{} })
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	ctx := context.Background()

	run, err := client.Start(ctx, d.Client, Signup.Confirm, "ada@example.com", client.WithTimeout(50*time.Millisecond))
	if err != nil {
		panic(err)
	}
	_, err = run.Await(ctx)
	fmt.Println(errors.Is(err, infinitic.ErrWorkflowTimedOut), errors.Is(err, infinitic.ErrCanceled))
	desc, err := run.Describe(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(desc.Status)
	// Output:
	// true true
	// canceled
}
