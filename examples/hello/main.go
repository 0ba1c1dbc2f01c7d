package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
)

func main() {
	name := "World"
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, name, os.Stdout); err != nil {
		fmt.Fprint(os.Stderr, infinitic.ErrorChain(err))
		os.Exit(1)
	}
}

// run starts a worker and a client on an in-memory transport and store,
// greets name through HelloWorkflow and prints the result to out.
func run(ctx context.Context, name string, out io.Writer) (err error) {
	tr, st := memory.New(), memstore.New()
	defer func() { keepFirst(&err, errors.Join(st.Close(), tr.Close())) }()
	quiet := slog.New(slog.DiscardHandler)

	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet})
	if err != nil {
		return err
	}
	if err := worker.AddService[HelloService](w, helloService{}); err != nil {
		return err
	}
	if err := worker.AddWorkflow(w, func() HelloWorkflow { return helloWorkflow{} }); err != nil {
		return err
	}
	workerCtx, stop := context.WithCancel(ctx)
	stopped := make(chan error, 1)
	go func() { stopped <- w.Run(workerCtx) }()
	defer func() { stop(); keepFirst(&err, <-stopped) }()

	c, err := client.New(ctx, client.Config{Transport: tr, Logger: quiet})
	if err != nil {
		return err
	}
	defer func() { keepFirst(&err, c.Close()) }()

	greeting, err := client.Execute(ctx, c, HelloWorkflow.Greet, name)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, greeting)
	return err
}

// keepFirst sets *err to cleanup's error unless *err is already set, so
// that the returned error keeps its chain intact for infinitic.ErrorChain.
func keepFirst(err *error, cleanup error) {
	if *err == nil {
		*err = cleanup
	}
}
