package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/interceptor"
)

// Command runs the benchmark as `infinitic bench` does: it
// parses args (see -h), runs, and prints the report on stdout (progress,
// logs and call counts on stderr).
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		opts       Options
		spec       Spec
		timeout    time.Duration
		cpuProfile string
		memProfile string
		progress   bool
		verbose    bool
		withOtel   bool
		ops        bool
		serve      string
		role       string
	)
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&opts.Workflows, "workflows", 2000, "workflows in the throughput phase")
	fs.IntVar(&opts.Tasks, "tasks", 2, "sequential tasks per workflow")
	fs.IntVar(&opts.Concurrency, "concurrency", 0, "max workflows in flight from the client (0: all at once)")
	fs.IntVar(&opts.Lone, "lone", 200, "workflows run one at a time afterwards, for latency (0: none)")
	fs.IntVar(&opts.ServiceConcurrency, "service-concurrency", 0, "worker's task concurrency (0: bench default)")
	fs.IntVar(&opts.WorkflowConcurrency, "workflow-concurrency", 0, "worker's workflow concurrency (0: bench default)")
	fs.IntVar(&opts.BatchSize, "batch", 0, "workflow engine batch size (0: worker default)")
	fs.DurationVar(&opts.Retention, "retention", 0, "delete finished instances after this long (0: keep them)")
	fs.StringVar(&spec.Kind, "backend", "embedded", "memory, embedded or nats")
	fs.StringVar(&spec.NATSURL, "nats-url", "nats://127.0.0.1:4222", "server of the nats backend (a cluster: its URLs, comma-separated)")
	fs.StringVar(&role, "role", "all", "all: client and worker in this process; client: no worker here; worker: only the worker, until interrupted (client and workers: -backend nats with the same -run-id)")
	fs.StringVar(&spec.RunID, "run-id", "", "nats backend: name of the run's streams and bucket, shared by the processes of -role client and worker and left on the server (default: random, deleted after)")
	fs.IntVar(&spec.Replicas, "replicas", 1, "nats backend: replicas of the run's streams and bucket (3 on a 3-node cluster)")
	fs.StringVar(&spec.DataDir, "data-dir", "", "JetStream directory of the embedded backend (default: temporary, removed)")
	fs.BoolFunc("sync", "embedded backend: survive a power loss (group commit: embedded.DurabilityPowerLoss)", func(v string) error {
		on, err := strconv.ParseBool(v)
		if on {
			spec.Durability = embedded.DurabilityPowerLoss
		}
		return err
	})
	fs.BoolVar(&spec.SyncAlways, "sync-always", false, "embedded backend: fsync every write on its own (embedded.Config.SyncAlways)")
	fs.BoolVar(&spec.OneConnection, "one-conn", false, "embedded backend: one connection for the transport and the store")
	fs.StringVar(&spec.Store, "store", "", "store instead of JetStream KV: postgres, mysql or redis (with -store-url)")
	fs.StringVar(&spec.StoreURL, "store-url", "", "URL of -store (default: the local server of this kind)")
	fs.DurationVar(&timeout, "timeout", 10*time.Minute, "give up after this long")
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	fs.StringVar(&memProfile, "memprofile", "", "write a heap profile right after the throughput phase to this file")
	fs.BoolVar(&progress, "progress", isTerminal(stderr), "show a progress bar on stderr")
	fs.StringVar(&serve, "serve", "", "only run a NATS JetStream server listening on this host:port (in -data-dir), for -backend nats in another process")
	fs.BoolVar(&ops, "ops", false, "count transport and store calls; print them to stderr after the report")
	fs.BoolVar(&verbose, "v", false, "log the worker's warnings and errors to stderr")
	fs.BoolVar(&opts.NoEvents, "no-events", false, "turn the event stream off (worker.Config.NoEvents), to measure its cost")
	fs.BoolVar(&withOtel, "otel", false, "trace and measure with otelinfinitic (OpenTelemetry SDK; spans batched to a discarding exporter)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h, --help: the usage is printed, and that is a success
		}
		return err
	}

	if serve != "" {
		return runServer(ctx, serve, spec, stderr)
	}
	if spec.StoreURL == "" {
		spec.StoreURL = defaultStoreURLs[spec.Store]
	}
	switch {
	case role != "all" && role != "client" && role != "worker":
		return fmt.Errorf("bench: unknown -role %q: want all, client or worker", role)
	case role != "all" && (spec.Kind != "nats" || spec.RunID == ""):
		return fmt.Errorf("bench: -role %s needs -backend nats and a -run-id shared with the other processes", role)
	}
	b, err := spec.Backend()
	if err != nil {
		return err
	}
	opts.Backend = b
	opts.NoWorker = role == "client"
	opts.CountOps = ops
	if withOtel {
		o, shutdown, err := telemetry()
		if err != nil {
			return err
		}
		defer shutdown()
		opts.Interceptors = []interceptor.Interceptor{o}
	}
	if verbose {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if progress {
		opts.Progress = progressBar(stderr)
	}
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
	if role == "worker" {
		fmt.Fprintln(stderr, "bench worker running on", spec.NATSURL, "run", spec.RunID)
		return RunWorker(ctx, opts)
	}
	opts.HeapProfile = memProfile
	rep, err := Run(ctx, opts)
	if ferr := rep.Format(stdout); ferr != nil && err == nil {
		err = ferr
	}
	if rep.Ops != nil && rep.Completed > 0 {
		fmt.Fprintln(stderr, "# calls of the throughput phase")
		_ = rep.Ops.Format(stderr, rep.Completed)
	}
	if rep.LoneOps != nil {
		fmt.Fprintln(stderr, "# calls of the lone phase")
		_ = rep.LoneOps.Format(stderr, rep.Lone)
	}
	return err
}

// runServer runs an embedded server with a TCP listener until ctx ends.
func runServer(ctx context.Context, listen string, spec Spec, stderr io.Writer) error {
	dir := spec.DataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "infinitic-bench-server-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	srv, err := embedded.Start(embedded.Config{DataDir: dir, Listen: listen, Durability: spec.Durability, SyncAlways: spec.SyncAlways})
	if err != nil {
		return err
	}
	defer srv.Shutdown()
	fmt.Fprintln(stderr, "serving", srv.ClientURL(), "data in", dir)
	<-ctx.Done()
	return nil
}

var defaultStoreURLs = map[string]string{
	"postgres": "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
	"mysql":    "root@tcp(127.0.0.1:3306)/test",
	"redis":    "127.0.0.1:6379",
}

// progressBar draws one bar per phase.
func progressBar(w io.Writer) func(Progress) {
	var (
		bar   *progressbar.ProgressBar
		phase string
	)
	return func(p Progress) {
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

// isTerminal reports whether w is a terminal (for the progress bar).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// writeHeapProfile writes the live heap (after a GC) to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.Lookup("heap").WriteTo(f, 0)
}
