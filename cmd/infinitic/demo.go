package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/examples/image"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Roles accepted by --role: which part of a deployment the demo runs.
const (
	roleAll    = "all"    // a worker and a client in this process
	roleWorker = "worker" // the image service and workflow, until stopped
	roleClient = "client" // starts the workflows on a worker's server
)

// demoConfig holds the flags of `infinitic demo`.
type demoConfig struct {
	Role      string        // --role
	Workflows int           // --workflows
	Backend   backendConfig // --backend
	Timeout   time.Duration // --timeout
	Verbose   bool          // --verbose
}

func newDemoCmd() *cobra.Command {
	cfg := demoConfig{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the image workflow demo, in one process or split into a worker and a client",
		Long: `demo runs the image workflow of Infinitic's README: each workflow downloads a
picture, resizes it to 3 sizes in parallel, uploads each version and saves
the URLs (8 tasks). Results are printed as they arrive, then a summary.

--role all (the default) runs a worker and a client in this process. To see
them as separate processes meeting on the broker, as deployed:

  infinitic demo --role worker   # terminal 1: the worker, and the embedded
                                 # server listening on --listen
  infinitic demo --role client   # terminal 2: starts the workflows on
                                 # nats://127.0.0.1:4222 (--nats)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.Role == roleClient && !cmd.Flags().Changed("backend") {
				cfg.Backend.Kind = backendNATS // a client meets its worker on a server
			}
			return runDemo(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Role, "role", roleAll, `what to run: "all" (a worker and a client), "worker" (until Ctrl-C; on the embedded backend its server listens on --listen) or "client" (on the nats backend by default)`)
	f.StringVar(&cfg.Backend.Listen, "listen", "127.0.0.1:4222", "with --role worker on the embedded backend: host:port on which clients connect (port 0: any free port)")
	f.IntVar(&cfg.Workflows, "workflows", 20, "number of workflows to run")
	f.StringVar(&cfg.Backend.Kind, "backend", backendEmbedded, `where messages and state live: "memory" (in-process maps), "embedded" (in-process NATS JetStream server, durable) or "nats" (an external server, see --nats)`)
	f.StringVar(&cfg.Backend.DataDir, "data-dir", embedded.DefaultDataDir, "data directory of the embedded backend; run again on the same directory to resume interrupted workflows")
	f.StringVar(&cfg.Backend.URL, "nats", "", "URL of the NATS server of the nats backend, e.g. nats://127.0.0.1:4222 (see `infinitic server`)")
	f.DurationVar(&cfg.Timeout, "timeout", 5*time.Minute, "give up after this long")
	f.BoolVarP(&cfg.Verbose, "verbose", "v", false, "log the worker's warnings and errors to stderr")
	return cmd
}

// demoInput is the input of the i-th demo workflow.
func demoInput(i int) image.HandleInput {
	return image.HandleInput{
		Email: fmt.Sprintf("user%02d@example.com", i),
		URL:   fmt.Sprintf("https://images.example.com/photo-%02d.jpg", i),
	}
}

// demoID is the workflow id of the i-th demo workflow.
func demoID(i int) string { return fmt.Sprintf("demo-%d", i) }

// previousRuns counts the demo instances an earlier run left in the store.
func previousRuns(ctx context.Context, c *client.Client, n int) (done, running int, err error) {
	for i := 1; i <= n; i++ {
		run, err := client.Attach(c, image.ImageWorkflow.Handle, demoID(i))
		if err != nil {
			return 0, 0, err
		}
		d, err := run.Describe(ctx)
		switch {
		case errors.Is(err, infinitic.ErrInstanceNotFound):
			continue
		case err != nil:
			return 0, 0, err
		case d.Status.Finished():
			done++
		default:
			running++
		}
	}
	return done, running, nil
}

// outcome is how one demo workflow ended.
type outcome struct {
	in     image.HandleInput
	result string
	err    error
}

// runDemo runs cfg.Workflows image workflows and prints their results to
// out, progress to progress. It fails if a workflow failed.
func runDemo(ctx context.Context, cfg demoConfig, out, progress io.Writer) (err error) {
	if cfg.Workflows < 1 {
		return fmt.Errorf("--workflows must be at least 1, got %d", cfg.Workflows)
	}
	if cfg.Timeout <= 0 {
		return fmt.Errorf("--timeout must be positive, got %v", cfg.Timeout)
	}
	if err := checkRole(&cfg); err != nil {
		return err
	}
	if cfg.Role != roleWorker { // a worker runs until stopped
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Timeout)
		defer cancel()
	}
	logger := slog.New(slog.DiscardHandler)
	if cfg.Verbose {
		logger = slog.New(slog.NewTextHandler(progress, &slog.HandlerOptions{Level: slog.LevelWarn}))
		cfg.Backend.Logger = logger // the embedded NATS server's warnings and errors too
	}
	clientURL := cfg.Backend.URL // where clients of a worker role connect
	cfg.Backend.Listening = func(url string) { clientURL = url }
	tr, st, closeBackend, err := openBackend(ctx, cfg.Backend)
	if err != nil {
		return err
	}
	defer func() { keepFirst(&err, closeBackend()) }()
	if cfg.Role != roleClient {
		svc := image.NewService()
		if cfg.Backend.Kind == backendEmbedded {
			// The fake CDN must be as durable as the workflows to resume them.
			if svc, err = image.NewDiskService(demoCDN(cfg.Backend.DataDir)); err != nil {
				return err
			}
		}
		stopWorker, err := startWorker(ctx, tr, st, svc, logger)
		if err != nil {
			return err
		}
		defer func() { keepFirst(&err, stopWorker()) }()
		if cfg.Role == roleWorker {
			fmt.Fprintln(out, whereDataLives(cfg.Backend))
			fmt.Fprintf(out, "Demo worker: running the image service and workflow; start workflows from another terminal "+
				"with `infinitic demo --role client --nats %s`; Ctrl-C to stop\n", clientURL)
			<-ctx.Done()
			fmt.Fprintln(out, "stopping")
			return nil
		}
	}
	c, err := client.New(ctx, client.Config{Transport: tr, Store: st, Logger: logger})
	if err != nil {
		return err
	}
	defer func() { keepFirst(&err, c.Close()) }()

	fmt.Fprintf(out, "Running %d image workflows (backend %s)\n", cfg.Workflows, cfg.Backend.Kind)
	fmt.Fprintln(out, whereDataLives(cfg.Backend))
	done, running, err := previousRuns(ctx, c, cfg.Workflows)
	if err != nil {
		return err
	}
	if done+running > 0 {
		fmt.Fprintf(out, "Resuming an earlier run: %d already completed, %d in progress\n", done, running)
	}
	start := time.Now()
	outcomes, err := startAll(ctx, c, cfg.Workflows)
	if err != nil {
		return err
	}
	failed := report(out, progress, outcomes, cfg.Workflows)
	fmt.Fprintf(out, "\n%d workflows: %d completed, %d failed in %v%s\n",
		cfg.Workflows, cfg.Workflows-failed, failed, time.Since(start).Round(time.Millisecond),
		throughput(cfg.Workflows-done, done, time.Since(start)))
	if failed > 0 {
		return fmt.Errorf("%d of %d workflows failed", failed, cfg.Workflows)
	}
	return nil
}

// checkRole validates cfg.Role against the backend, and sets what the
// role needs: a worker's embedded server listens, a client's URL defaults
// to the server a worker listens on.
func checkRole(cfg *demoConfig) error {
	switch cfg.Role {
	case roleAll:
		cfg.Backend.Listen = "" // nobody else needs the server
	case roleWorker:
		if cfg.Backend.Kind == backendMemory {
			return errors.New("--role worker on the memory backend serves no other process: use --backend embedded or nats")
		}
		if cfg.Backend.Kind != backendEmbedded {
			cfg.Backend.Listen = ""
		}
	case roleClient:
		if cfg.Backend.Kind != backendNATS {
			return fmt.Errorf("--role client meets its worker on a NATS server: use --backend nats (the default for this role), not %q", cfg.Backend.Kind)
		}
		if cfg.Backend.URL == "" {
			cfg.Backend.URL = broker.DefaultURL // `infinitic demo --role worker` and `infinitic server` listen there
		}
	default:
		return fmt.Errorf("unknown --role %q: want %q, %q or %q", cfg.Role, roleAll, roleWorker, roleClient)
	}
	return nil
}

// demoCDN is where the demo's fake CDN keeps the pictures of the embedded
// backend: next to its data directory.
func demoCDN(dataDir string) string { return filepath.Join(dataDir, "..", "cdn") }

// whereDataLives tells where the demo keeps its data and how to start over.
func whereDataLives(cfg backendConfig) string {
	switch cfg.Kind {
	case backendEmbedded:
		data, _ := filepath.Abs(cfg.DataDir)
		cdn := demoCDN(data)
		return fmt.Sprintf("Data in %s (the demo's pictures in %s): run again to resume; "+
			"to start over, stop the demo and rm -rf %s %s", data, cdn, data, cdn)
	case backendNATS:
		return fmt.Sprintf("Data on the NATS server at %s (see `infinitic server --data-dir`)", cfg.URL)
	}
	return "Data in memory: nothing is kept after this run"
}

// throughput describes the work of this run: the workflows that an
// earlier run completed are not counted again.
func throughput(ran, earlier int, elapsed time.Duration) string {
	tasks := ran * (2 + 2*len(image.DefaultSizes))
	switch {
	case earlier == 0:
		return fmt.Sprintf(" (%.1f workflows/s, %d tasks)", float64(ran)/elapsed.Seconds(), tasks)
	case ran == 0:
		return fmt.Sprintf(" (all %d completed by an earlier run: nothing new ran)", earlier)
	}
	return fmt.Sprintf(" (%d completed by an earlier run; this run: %d workflows at %.1f workflows/s, up to %d tasks)",
		earlier, ran, float64(ran)/elapsed.Seconds(), tasks)
}

// startWorker runs a worker hosting the image service and workflow until
// the returned stop function is called.
func startWorker(ctx context.Context, tr transport.Transport, st store.Store, svc *image.Service, logger *slog.Logger) (stop func() error, err error) {
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: logger})
	if err != nil {
		return nil, err
	}
	if err := image.Register(w, svc); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	stopped := make(chan error, 1)
	go func() { stopped <- w.Run(ctx) }()
	return func() error { cancel(); return <-stopped }, nil
}

// startAll starts n workflows and returns a channel that receives each
// outcome as it arrives.
func startAll(ctx context.Context, c *client.Client, n int) (<-chan outcome, error) {
	outcomes := make(chan outcome, n) // buffered: awaiting never blocks on the reader
	for i := range n {
		in := demoInput(i + 1)
		// Fixed ids: a second run joins the instances of an interrupted one.
		run, err := client.Start(ctx, c, image.ImageWorkflow.Handle, in, client.WithID(demoID(i+1)))
		if err != nil {
			return nil, fmt.Errorf("start workflow %d: %w", i+1, err)
		}
		go func() {
			res, err := run.Await(ctx)
			outcomes <- outcome{in: in, result: res, err: err}
		}()
	}
	return outcomes, nil
}

// report prints the n outcomes as they arrive, with a progress bar on
// progress, and returns how many failed.
func report(out, progress io.Writer, outcomes <-chan outcome, n int) (failed int) {
	bar := progressbar.NewOptions(n,
		progressbar.OptionSetWriter(progress),
		progressbar.OptionSetDescription("workflows"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetVisibility(isTerminal(progress)),
	)
	for done := 1; done <= n; done++ {
		o := <-outcomes
		_ = bar.Clear()
		line := o.result
		if o.err != nil {
			failed++
			line = "FAILED: " + o.err.Error()
		}
		fmt.Fprintf(out, "%*d/%d  %s  %s\n", len(fmt.Sprint(n)), done, n, o.in.URL, line)
		_ = bar.Add(1)
	}
	return failed
}

// isTerminal reports whether w is a terminal: the progress bar redraws its
// line with carriage returns, which only makes sense there.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// keepFirst sets *err to cleanup's error unless *err is already set.
func keepFirst(err *error, cleanup error) {
	if *err == nil && !errors.Is(cleanup, context.Canceled) {
		*err = cleanup
	}
}
