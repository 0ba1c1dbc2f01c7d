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

// A cancel (or a channel value) sent to an instance that has not started
// is kept for the early message life, in case its start is on its way;
// when the instance never starts, the sender gets ErrInstanceNotFound.
func ExampleWithEarlyMessageLife() {
	ctx := context.Background()
	tr, st := memory.New(), memstore.New()
	defer tr.Close()
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet})
	if err != nil {
		panic(err)
	}
	err = worker.AddWorkflow(w, func() Checkout { return checkout{} }, worker.WithEarlyMessageLife(50*time.Millisecond))
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
	never, err := client.Attach(c, Checkout.Pay, "never-started")
	if err != nil {
		panic(err)
	}
	err = never.Cancel(ctx, "too late")
	fmt.Println(errors.Is(err, infinitic.ErrInstanceNotFound))
	// Output:
	// true
}
