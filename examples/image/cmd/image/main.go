// Command image runs one image workflow (package
// github.com/infinitic-go/infinitic/examples/image) on the in-memory
// transport and store, and prints the saved URLs.
//
//	go run ./examples/image/cmd/image [email] [url]
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
	"github.com/infinitic-go/infinitic/examples/image"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
)

func main() {
	in := image.HandleInput{Email: "ada@example.com", URL: "https://example.com/ada.jpg"}
	if len(os.Args) > 1 {
		in.Email = os.Args[1]
	}
	if len(os.Args) > 2 {
		in.URL = os.Args[2]
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, in, os.Stdout); err != nil {
		fmt.Fprint(os.Stderr, infinitic.ErrorChain(err))
		os.Exit(1)
	}
}

// run handles one picture with a worker and a client sharing an in-memory
// transport and store, then prints the outcome and the saved URLs.
func run(ctx context.Context, in image.HandleInput, out io.Writer) (err error) {
	tr, st := memory.New(), memstore.New()
	defer func() { keepFirst(&err, errors.Join(st.Close(), tr.Close())) }()
	quiet := slog.New(slog.DiscardHandler)

	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet})
	if err != nil {
		return err
	}
	svc := image.NewService()
	if err := image.Register(w, svc); err != nil {
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

	saved, err := client.Execute(ctx, c, image.ImageWorkflow.Handle, in)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, saved)
	for _, u := range svc.Profile(in.Email) {
		fmt.Fprintln(out, "  "+u)
	}
	return nil
}

// keepFirst sets *err to cleanup's error unless *err is already set, so
// that the returned error keeps its chain intact for infinitic.ErrorChain.
func keepFirst(err *error, cleanup error) {
	if *err == nil {
		*err = cleanup
	}
}
