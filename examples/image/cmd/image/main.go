// Command image runs one image workflow (package
// github.com/infinitic-go/infinitic/examples/image) on the in-memory
// transport and store, and prints the saved URLs.
//
//	go run ./examples/image/cmd/image [email] [url]
package main

import (
	"context"
	"fmt"
	"github.com/infinitic-go/infinitic/inmemory"
	"io"
	"os"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/examples/image"
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
	svc := image.NewService()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error { return image.Register(w, svc) })
	if err != nil {
		return err
	}
	defer d.Stop(&err)
	c := d.Client

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
