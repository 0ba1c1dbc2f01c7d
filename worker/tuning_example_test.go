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
)

// Config.Services tunes a service by name from outside the code (package
// config fills it from a file): here it turns off the retries that the
// code asks for, so the flaky payment fails at its first attempt.
func ExampleConfig_services() {
	ctx := context.Background()
	tr, st := memory.New(), memstore.New()
	defer tr.Close()
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet,
		Services: map[string][]worker.ServiceOption{"Payment": {worker.WithRetry(infinitic.NoRetry)}}})
	if err != nil {
		panic(err)
	}
	err = errors.Join(
		worker.AddService[Payment](w, flakyPayment{}, worker.WithRetry(infinitic.RetryPolicy{MinDelay: time.Millisecond, MaxRetries: 3})),
		worker.AddWorkflow(w, func() Checkout { return checkout{} }),
	)
	if err != nil {
		panic(err)
	}
	workerCtx, stop := context.WithCancel(ctx)
	stopped := make(chan error)
	go func() { stopped <- w.Run(workerCtx) }()
	defer func() { stop(); <-stopped }()
	c, err := client.New(ctx, client.Config{Transport: tr, Logger: quiet})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	_, err = client.Execute(ctx, c, Checkout.Pay, 4200)
	var task *infinitic.TaskFailedError
	fmt.Println(errors.As(err, &task), task.Attempt)
	// Output: true 1
}
