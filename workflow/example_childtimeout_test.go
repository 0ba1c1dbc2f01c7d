package workflow_test

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

// Kyc checks a customer's identity: Verify waits for a document that may
// never come, Onboard gives it a deadline.
type Kyc interface {
	Verify(ctx workflow.Context, customer string) (string, error)
	Onboard(ctx workflow.Context, customer string) (string, error)
}

var KycDocuments = workflow.NewChannel[Kyc, string]("documents")

type kyc struct{}

func (kyc) Verify(ctx workflow.Context, customer string) (string, error) {
	doc, err := KycDocuments.Receive(ctx).Await(ctx)
	return customer + " verified with " + doc, err
}

// Onboard runs Verify as a child that its engine cancels at its deadline
// (WithTimeout would only stop waiting and leave the child running).
func (kyc) Onboard(ctx workflow.Context, customer string) (string, error) {
	out, err := workflow.CallChild(ctx, Kyc.Verify, customer, workflow.WithWorkflowTimeout(50*time.Millisecond))
	if errors.Is(err, infinitic.ErrWorkflowTimedOut) {
		return customer + ": manual review", nil
	}
	return out, err
}

// WithWorkflowTimeout gives a child workflow a deadline of its own.
func ExampleWithWorkflowTimeout() {
	d, err := inmemory.Start(context.Background(), func(w *worker.Worker) error {
		return worker.AddWorkflow(w, func() Kyc { return kyc{} })
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	ctx := context.Background()

	fmt.Println(client.Execute(ctx, d.Client, Kyc.Onboard, "ada"))
	// Output: ada: manual review <nil>
}
