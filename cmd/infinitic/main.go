// Command infinitic is the infinitic-go command line.
//
//	infinitic demo [--workflows 20] [--backend memory]
//
// demo runs the image workflow of Infinitic's README (package
// github.com/infinitic-go/infinitic/examples/image) with a worker and a
// client in this process, shows progress and prints each result.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		stop()
		os.Exit(1)
	}
}
