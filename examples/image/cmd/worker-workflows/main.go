// Command worker-workflows runs the ImageWorkflow engine of the image
// example (package github.com/infinitic-go/infinitic/examples/image) in a
// process of its own, configured only by its file: where the broker and
// the workflow state are, and the workflow's concurrency, cache and
// retention. It runs until Ctrl-C or SIGTERM.
//
//	cd examples/image/cmd/worker-workflows && go run .   # reads ./infinitic.yml
//	go run ./examples/image/cmd/worker-workflows --config path/to/infinitic.yml
//
// Start `infinitic server` first; see the README's "Deploying" section.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/infinitic-go/infinitic/config"
	"github.com/infinitic-go/infinitic/examples/image"
	"github.com/infinitic-go/infinitic/worker"
)

func main() {
	file := flag.String("config", "infinitic.yml", "configuration file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *file); err != nil {
		fmt.Fprintln(os.Stderr, "worker-workflows:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, file string) error {
	return config.RunWorker(ctx, file, func(w *worker.Worker) error {
		if err := worker.AddWorkflow(w, image.NewWorkflow); err != nil {
			return err
		}
		fmt.Println("worker-workflows: running ImageWorkflow; Ctrl-C to stop")
		return nil
	})
}
