// Command infinitic is the infinitic-go command line.
//
//	infinitic demo [--role all|worker|client] [--workflows 20] [--backend embedded|memory|nats] [--data-dir DIR]
//
// demo runs the image workflow of Infinitic's README (package
// github.com/infinitic-go/infinitic/examples/image) with a worker and a
// client in this process, shows progress and prints each result. The
// memory backend keeps messages and state in maps; the embedded backend
// runs a NATS JetStream server in the process (durable, in --data-dir).
// --role worker and --role client run the two halves as separate
// processes that meet on the worker's server (or on `infinitic server`).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGTERM (kill, systemd, Kubernetes) drains like Ctrl-C.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		stop()
		os.Exit(exitCode(err))
	}
}
