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
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		if err := worker.AddService[HelloService](w, helloService{}); err != nil {
			return err
		}
		return worker.AddWorkflow(w, func() HelloWorkflow { return helloWorkflow{} })
	})
	if err != nil {
		return err
	}
	defer d.Stop(&err)
	greeting, err := client.Execute(ctx, d.Client, HelloWorkflow.Greet, name)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, greeting)
	return err
}
