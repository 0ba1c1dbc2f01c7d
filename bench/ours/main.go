// Command ours runs the infinitic-go benchmark (internal/bench) with the
// flags of `infinitic bench`, and prints its report. bench/run.sh uses it
// to compare infinitic-go with its peers (bench/peers) on one machine.
//
//	go run ./bench/ours -workflows 2000 -tasks 2
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/infinitic-go/infinitic/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := bench.Command(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
