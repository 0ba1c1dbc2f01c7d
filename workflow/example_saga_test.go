package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Bank is a service contract: each step has its compensation.
type Bank interface {
	Debit(ctx context.Context, account string) (string, error)
	Refund(ctx context.Context, account string) (string, error)
	Credit(ctx context.Context, account string) (string, error)
}

type bank struct {
	mu  sync.Mutex
	log []string
}

func (b *bank) note(s string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.log = append(b.log, s)
	return s, nil
}

func (b *bank) Debit(_ context.Context, account string) (string, error) {
	return b.note("debited " + account)
}

func (b *bank) Refund(_ context.Context, account string) (string, error) {
	return b.note("refunded " + account)
}

func (b *bank) Credit(_ context.Context, account string) (string, error) {
	return "", infinitic.NonRetryable(fmt.Errorf("account %s is closed", account))
}

// Transfer is a workflow contract.
type Transfer interface {
	Move(ctx workflow.Context, accounts [2]string) (string, error)
}

type transfer struct{}

// Move debits one account and credits the other; if the credit fails, the
// saga refunds the debit.
func (transfer) Move(ctx workflow.Context, accounts [2]string) (string, error) {
	saga := workflow.NewSaga()
	if _, err := workflow.Call(ctx, Bank.Debit, accounts[0]); err != nil {
		return "", saga.Compensate(ctx, err)
	}
	saga.Add(workflow.Undo(Bank.Refund, accounts[0]))
	if _, err := workflow.Call(ctx, Bank.Credit, accounts[1]); err != nil {
		return "", saga.Compensate(ctx, err)
	}
	return "moved", nil
}

func ExampleSaga() {
	b := &bank{}
	d, err := inmemory.Start(context.Background(), func(w *worker.Worker) error {
		return errors.Join(worker.AddService[Bank](w, b), worker.AddWorkflow(w, func() Transfer { return transfer{} }))
	})
	if err != nil {
		panic(err)
	}
	defer d.Stop(&err)

	_, err = client.Execute(context.Background(), d.Client, Transfer.Move, [2]string{"A-1", "B-2"})
	fmt.Println(b.log)
	var remote *infinitic.RemoteError // the *workflow.SagaError, across the wire
	if errors.As(err, &remote) {
		fmt.Println(remote.Type)
	}
	var task *infinitic.TaskFailedError // its cause: the step that failed
	if errors.As(err, &task) {
		fmt.Println(task.Service+"."+task.Method, "failed:", task.Cause)
	}
	// Output:
	// [debited A-1 refunded A-1]
	// *workflow.SagaError
	// Bank.Credit failed: account B-2 is closed
}
