// Command client starts image workflows of the image example (package
// github.com/infinitic-go/infinitic/examples/image) on the broker of its
// configuration file, waits for their results and prints them. The
// workers run elsewhere: worker-services and worker-workflows.
//
//	cd examples/image/cmd/client && go run . -n 3   # reads ./infinitic.yml
//
// It exits with status 1 if a workflow fails or if no result arrives
// within --timeout (are the workers running?).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/config"
	"github.com/infinitic-go/infinitic/examples/image"
)

func main() {
	file := flag.String("config", "infinitic.yml", "configuration file")
	n := flag.Int("n", 3, "number of workflows to start")
	timeout := flag.Duration("timeout", time.Minute, "give up after this long")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := run(ctx, *file, *n, os.Stdout); err != nil {
		fmt.Fprint(os.Stderr, "client: ", infinitic.ErrorChain(err))
		if errors.Is(err, context.DeadlineExceeded) {
			fmt.Fprintln(os.Stderr, "client: no result in time: are worker-services and worker-workflows running?")
		}
		os.Exit(1)
	}
}

// run starts n image workflows, then prints each result in order.
func run(ctx context.Context, file string, n int, out io.Writer) (err error) {
	cfg, err := config.Load(file)
	if err != nil {
		return err
	}
	b, err := cfg.Open(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, b.Close()) }()
	c, err := client.New(ctx, b.ClientConfig())
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, c.Close()) }()
	runs := make([]*client.Run[string], n)
	for i := range runs {
		in := image.HandleInput{Email: fmt.Sprintf("user%d@example.com", i+1), URL: fmt.Sprintf("https://images.example.com/photo-%d.jpg", i+1)}
		if runs[i], err = client.Start(ctx, c, image.ImageWorkflow.Handle, in); err != nil {
			return err
		}
	}
	for i, run := range runs {
		saved, err := run.Await(ctx)
		if err != nil {
			return fmt.Errorf("workflow %d (%s): %w", i+1, run.ID(), err)
		}
		fmt.Fprintf(out, "%d/%d %s\n", i+1, n, saved)
	}
	return nil
}
