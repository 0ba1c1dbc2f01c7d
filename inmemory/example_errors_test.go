package inmemory_test

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

// ErrSoldOut and *LimitError are errors of the user's own package.
var ErrSoldOut = errors.New("sold out")

type LimitError struct{ Max int }

func (e *LimitError) Error() string { return fmt.Sprintf("at most %d tickets", e.Max) }

// Registered in the workers and the clients (an init function of the
// package that declares them), they match across the wire.
func init() {
	infinitic.RegisterError("tickets.SoldOut", ErrSoldOut)
	infinitic.RegisterErrorType[*LimitError]("tickets.Limit")
}

type Tickets interface {
	Buy(ctx context.Context, n int) (string, error)
}

type tickets struct{}

func (tickets) Buy(ctx context.Context, n int) (string, error) {
	if n > 4 {
		return "", infinitic.NonRetryable(&LimitError{Max: 4})
	}
	return "", infinitic.NonRetryable(ErrSoldOut)
}

type Order interface {
	Place(ctx workflow.Context, n int) (string, error)
}

type order struct{}

func (order) Place(ctx workflow.Context, n int) (string, error) {
	return workflow.Call(ctx, Tickets.Buy, n)
}

// A task's sentinel and typed errors, registered with
// infinitic.RegisterError and RegisterErrorType, work with errors.Is and
// errors.As where the workflow's outcome arrives.
func Example_userErrors() {
	ctx := context.Background()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		return errors.Join(worker.AddService[Tickets](w, tickets{}), worker.AddWorkflow(w, func() Order { return order{} }))
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	_, err = client.Execute(ctx, d.Client, Order.Place, 2)
	fmt.Println(errors.Is(err, ErrSoldOut))
	_, err = client.Execute(ctx, d.Client, Order.Place, 9)
	var limit *LimitError
	fmt.Println(errors.As(err, &limit), limit.Max)
	// Output:
	// true
	// true 4
}
