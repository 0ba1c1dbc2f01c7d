package worker_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Payment is a service contract.
type Payment interface {
	Charge(ctx context.Context, cents int) (string, error)
}

// flakyPayment fails its first attempt; slowPayment's first attempt
// outlives its timeout.
type (
	flakyPayment struct{}
	slowPayment  struct{}
)

func (flakyPayment) Charge(ctx context.Context, cents int) (string, error) {
	task, _ := infinitic.TaskFrom(ctx)
	if task.Attempt == 1 {
		return "", errors.New("bank unavailable")
	}
	return fmt.Sprintf("charged %d cents at attempt %d", cents, task.Attempt), nil
}

func (slowPayment) Charge(ctx context.Context, cents int) (string, error) {
	task, _ := infinitic.TaskFrom(ctx)
	if task.Attempt == 1 {
		<-ctx.Done() // the attempt's timeout cancels ctx
		return "", ctx.Err()
	}
	return fmt.Sprintf("charged %d cents at attempt %d", cents, task.Attempt), nil
}

// Checkout is a workflow contract.
type Checkout interface {
	Pay(ctx workflow.Context, cents int) (string, error)
}

type checkout struct{}

func (checkout) Pay(ctx workflow.Context, cents int) (string, error) {
	return workflow.Call(ctx, Payment.Charge, cents)
}

// run hosts impl with opts and Checkout on a worker, on an in-memory
// transport and store, and pays 4200 cents.
func run(impl Payment, opts ...worker.ServiceOption) (string, error) {
	ctx := context.Background()
	tr, st := memory.New(), memstore.New()
	defer tr.Close()
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet})
	if err != nil {
		return "", err
	}
	if err := worker.AddService(w, impl, opts...); err != nil {
		return "", err
	}
	if err := worker.AddWorkflow(w, func() Checkout { return checkout{} }); err != nil {
		return "", err
	}
	workerCtx, stop := context.WithCancel(ctx)
	stopped := make(chan error)
	go func() { stopped <- w.Run(workerCtx) }()
	defer func() {
		stop()
		if err := <-stopped; err != nil {
			fmt.Println("worker:", err)
		}
	}()
	c, err := client.New(ctx, client.Config{Transport: tr, Logger: quiet})
	if err != nil {
		return "", err
	}
	defer c.Close()
	return client.Execute(ctx, c, Checkout.Pay, 4200)
}

// AddService registers a service implementation with its options: here a
// retry policy that retries a failed attempt after 10ms.
func ExampleAddService() {
	fmt.Println(run(Payment(flakyPayment{}),
		worker.WithConcurrency(4),
		worker.WithRetry(infinitic.RetryPolicy{MinDelay: 10 * time.Millisecond, MaxRetries: 3}),
	))
	// Output:
	// charged 4200 cents at attempt 2 <nil>
}

// WithTimeout cancels the context of an attempt that runs too long; the
// attempt fails with an error matching infinitic.ErrTimeout and is retried.
func ExampleWithTimeout() {
	fmt.Println(run(Payment(slowPayment{}),
		worker.WithTimeout(50*time.Millisecond),
		worker.WithRetry(infinitic.RetryPolicy{MinDelay: 10 * time.Millisecond, MaxRetries: 1}),
	))
	// Output:
	// charged 4200 cents at attempt 2 <nil>
}

// Without retries, the workflow fails with the task's failure, whose cause
// is the timeout.
func ExampleWithTimeout_noRetry() {
	_, err := run(Payment(slowPayment{}), worker.WithTimeout(50*time.Millisecond), worker.WithRetry(infinitic.NoRetry))
	var task *infinitic.TaskFailedError
	fmt.Println(errors.As(err, &task), task.Attempt, errors.Is(err, infinitic.ErrTimeout))
	// Output:
	// true 1 true
}

// Options say what they apply to: WithConcurrency serves both AddService
// and AddWorkflow, WithRetry only services, WithRetention only workflows
// (passing one to the other does not compile).
func ExampleAddWorkflow() {
	ctx := context.Background()
	tr, st := memory.New(), memstore.New()
	defer tr.Close()
	w, err := worker.New(worker.Config{Transport: tr, Store: st})
	if err != nil {
		panic(err)
	}
	err = errors.Join(
		worker.AddService(w, Payment(flakyPayment{}), worker.WithConcurrency(8),
			worker.WithRetry(infinitic.RetryPolicy{MinDelay: time.Millisecond, MaxRetries: 1})),
		worker.AddWorkflow(w, func() Checkout { return checkout{} }, worker.WithConcurrency(64),
			worker.WithRetention(time.Hour)),
	)
	if err != nil {
		panic(err)
	}
	workerCtx, stop := context.WithCancel(ctx)
	stopped := make(chan error)
	go func() { stopped <- w.Run(workerCtx) }()
	defer func() { stop(); <-stopped }()
	c, err := client.New(ctx, client.Config{Transport: tr})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	fmt.Println(client.Execute(ctx, c, Checkout.Pay, 99))
	// Output:
	// charged 99 cents at attempt 2 <nil>
}
