// Command worker-services runs the ImageUtil service of the image example
// (package github.com/infinitic-go/infinitic/examples/image) in a process
// of its own, configured only by its file: where the broker is, and the
// service's concurrency, timeout and retry policy. It runs until Ctrl-C or
// SIGTERM, then lets running tasks finish.
//
//	cd examples/image/cmd/worker-services && go run .   # reads ./infinitic.yml
//	go run ./examples/image/cmd/worker-services --config path/to/infinitic.yml
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
		fmt.Fprintln(os.Stderr, "worker-services:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, file string) error {
	return config.RunWorker(ctx, file, func(w *worker.Worker) error {
		if err := worker.AddService[image.ImageUtil](w, image.NewService()); err != nil {
			return err
		}
		fmt.Println("worker-services: running ImageUtil; Ctrl-C to stop")
		return nil
	})
}
