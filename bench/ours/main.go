// Command ours runs the infinitic-go benchmark (internal/bench) with the
// flags of `infinitic bench`, and prints its report. bench/run.sh uses it
// to compare infinitic-go with its peers (bench/peers) on one machine.
//
//	go run ./bench/ours -workflows 2000 -tasks 2
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/internal/bench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		opts       bench.Options
		spec       bench.Spec
		timeout    time.Duration
		cpuProfile string
		progress   bool
		verbose    bool
		ops        bool
		serve      string
	)
	flag.IntVar(&opts.Workflows, "workflows", 2000, "workflows in the throughput phase")
	flag.IntVar(&opts.Tasks, "tasks", 2, "sequential tasks per workflow")
	flag.IntVar(&opts.Concurrency, "concurrency", 0, "max workflows in flight from the client (0: all at once)")
	flag.IntVar(&opts.Lone, "lone", 200, "workflows run one at a time afterwards, for latency (0: none)")
	flag.IntVar(&opts.ServiceConcurrency, "service-concurrency", 0, "worker's task concurrency (0: bench default)")
	flag.IntVar(&opts.WorkflowConcurrency, "workflow-concurrency", 0, "worker's workflow concurrency (0: bench default)")
	flag.IntVar(&opts.BatchSize, "batch", 0, "workflow engine batch size (0: worker default)")
	flag.StringVar(&spec.Kind, "backend", "embedded", "memory, embedded or nats")
	flag.StringVar(&spec.NATSURL, "nats-url", "nats://127.0.0.1:4222", "server of the nats backend")
	flag.StringVar(&spec.DataDir, "data-dir", "", "JetStream directory of the embedded backend (default: temporary, removed)")
	flag.BoolVar(&spec.SyncAlways, "sync", false, "embedded backend: fsync every write")
	flag.BoolVar(&spec.OneConnection, "one-conn", false, "embedded backend: one connection for the transport and the store")
	flag.StringVar(&spec.Store, "store", "", "store instead of JetStream KV: postgres, mysql or redis (with -store-url)")
	flag.StringVar(&spec.StoreURL, "store-url", "", "URL of -store (default: the local server of this kind)")
	flag.DurationVar(&timeout, "timeout", 10*time.Minute, "give up after this long")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	flag.BoolVar(&progress, "progress", term.IsTerminal(int(os.Stderr.Fd())), "show a progress bar on stderr")
	flag.StringVar(&serve, "serve", "", "only run a NATS JetStream server listening on this host:port (in -data-dir), for -backend nats in another process")
	flag.BoolVar(&ops, "ops", false, "count transport and store calls; print them to stderr after the report")
	flag.BoolVar(&verbose, "v", false, "log the worker's warnings and errors to stderr")
	flag.Parse()

	if serve != "" {
		return runServer(serve, spec.DataDir, spec.SyncAlways)
	}
	if spec.StoreURL == "" {
		spec.StoreURL = defaultStoreURLs[spec.Store]
	}
	b, err := spec.Backend()
	if err != nil {
		return err
	}
	opts.Backend = b
	opts.CountOps = ops
	if verbose {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if progress {
		opts.Progress = progressBar(os.Stderr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := bench.Run(ctx, opts)
	if ferr := rep.Format(os.Stdout); ferr != nil && err == nil {
		err = ferr
	}
	if rep.Ops != nil && rep.Completed > 0 {
		fmt.Fprintln(os.Stderr, "# calls of the throughput phase")
		_ = rep.Ops.Format(os.Stderr, rep.Completed)
	}
	if rep.LoneOps != nil {
		fmt.Fprintln(os.Stderr, "# calls of the lone phase")
		_ = rep.LoneOps.Format(os.Stderr, rep.Lone)
	}
	return err
}

// runServer runs an embedded server with a TCP listener until interrupted.
func runServer(listen, dir string, sync bool) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "infinitic-bench-server-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	srv, err := embedded.Start(embedded.Config{DataDir: dir, Listen: listen, SyncAlways: sync})
	if err != nil {
		return err
	}
	defer srv.Shutdown()
	fmt.Fprintln(os.Stderr, "serving", srv.ClientURL(), "data in", dir)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return nil
}

var defaultStoreURLs = map[string]string{
	"postgres": "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
	"mysql":    "root@tcp(127.0.0.1:3306)/test",
	"redis":    "127.0.0.1:6379",
}

// progressBar draws one bar per phase.
func progressBar(w io.Writer) func(bench.Progress) {
	var (
		bar   *progressbar.ProgressBar
		phase string
	)
	return func(p bench.Progress) {
		if bar == nil || p.Phase != phase {
			if bar != nil {
				_ = bar.Finish()
				fmt.Fprintln(w)
			}
			phase = p.Phase
			bar = progressbar.NewOptions(p.Total, progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(p.Phase), progressbar.OptionShowCount(),
				progressbar.OptionShowIts(), progressbar.OptionSetItsString("workflows"),
				progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
		}
		_ = bar.Set(p.Done)
	}
}
