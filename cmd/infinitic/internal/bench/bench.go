// Package bench measures infinitic-go: N workflows of K sequential
// trivial tasks on a chosen backend, one worker (service and workflow in
// the same process) and one client. It reports throughput, latency
// percentiles from dispatch to completion, and peak memory, in a stable
// line-oriented format (Report.Format) that can be compared between
// versions and with peers (bench/peers prints the same keys).
//
// The `infinitic bench` command (and bench/run.sh through it) is a thin shell over Run.
package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/interceptor"
	"github.com/infinitic-go/infinitic/internal/memstat"
	"github.com/infinitic-go/infinitic/worker"
)

// Options configures a run. The zero value, with a Backend, runs nothing
// but is valid; set Workflows and/or Lone.
type Options struct {
	// HeapProfile, if set, is where the live heap is written right after
	// the throughput phase (backend still open).
	HeapProfile string
	// Retention, if set, deletes finished instances after it (see
	// worker.WithRetention); by default they are kept.
	Retention time.Duration
	// Backend opens the transport and the store. Required.
	Backend Backend
	// Workflows is how many workflows the throughput phase runs.
	Workflows int
	// Tasks is the number of sequential tasks per workflow. Default 2.
	Tasks int
	// Concurrency bounds the workflows in flight from the client (started
	// and not yet completed). 0: all at once.
	Concurrency int
	// Lone is how many workflows the latency phase runs one at a time,
	// after the throughput phase (or after a short warm-up when
	// Workflows is 0). 0: no latency phase.
	Lone int

	// ServiceConcurrency is the worker's task concurrency. Default 128.
	ServiceConcurrency int
	// WorkflowConcurrency is the worker's workflow-engine concurrency.
	// Default 64 (measured best on 2 cores, embedded backend).
	WorkflowConcurrency int
	// BatchSize is the workflow engine's batch size. Default 0: the
	// worker's default.
	BatchSize int

	// Interceptors are given to the worker and the client (-otel: traces
	// and metrics of otelinfinitic). Default: none.
	Interceptors []interceptor.Interceptor

	// NoEvents turns the event stream off (worker.Config.NoEvents), to
	// measure its cost.
	NoEvents bool

	// NoWorker runs no worker in this process: the workflows are run by
	// workers of other processes on the same backend (RunWorker, on a
	// NATS backend with a NATSConfig.RunID). Default false: one worker
	// in the process runs the service and the workflow.
	NoWorker bool

	// CountOps wraps the transport and the store to count the calls of
	// the worker and the client (Report.Ops and Report.LoneOps).
	CountOps bool

	// Progress, when set, is called from one goroutine about every 100ms
	// during each phase and once when it ends.
	Progress func(Progress)
	// Logger receives the worker's and the client's logs. Default: discard.
	Logger *slog.Logger
}

// Progress reports how far a phase is.
type Progress struct {
	Phase string // PhaseThroughput or PhaseLone
	Done  int    // workflows completed (or failed)
	Total int
}

// Phases reported by Progress.
const (
	PhaseThroughput = "throughput"
	PhaseLone       = "lone"
)

// Defaults of Options.
const (
	DefaultTasks               = 2
	DefaultServiceConcurrency  = 128
	DefaultWorkflowConcurrency = 64
	loneWarmup                 = 10
)

// Run opens the backend, runs a worker and a client, and measures. It
// returns the report together with an error when a workflow failed or ctx
// ended; the report then holds what was measured so far.
func Run(ctx context.Context, opts Options) (rep Report, err error) {
	if opts.Tasks == 0 {
		opts.Tasks = DefaultTasks
	}
	if opts.ServiceConcurrency == 0 {
		opts.ServiceConcurrency = DefaultServiceConcurrency
	}
	if opts.WorkflowConcurrency == 0 {
		opts.WorkflowConcurrency = DefaultWorkflowConcurrency
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	rep = Report{
		Backend: opts.Backend.Name, Workflows: opts.Workflows, Tasks: opts.Tasks, Concurrency: opts.Concurrency,
		GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(),
	}
	switch {
	case opts.Backend.Open == nil:
		return rep, errors.New("bench: Options.Backend is required")
	case opts.Workflows < 0 || opts.Lone < 0 || opts.Concurrency < 0:
		return rep, errors.New("bench: Workflows, Lone and Concurrency must not be negative")
	case opts.Tasks < 0:
		return rep, errors.New("bench: Tasks must not be negative")
	}

	mem := memstat.Start()
	defer func() { rep.PeakHeapInuse, rep.PeakSys, rep.PeakRSS = mem.Stop() }()

	stack, err := opts.Backend.Open(ctx)
	if err != nil {
		return rep, fmt.Errorf("bench: open backend %s: %w", opts.Backend.Name, err)
	}
	defer func() {
		if cerr := stack.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("bench: close backend: %w", cerr)
		}
	}()
	var counters *opCounters
	if opts.CountOps {
		counters = &opCounters{}
		stack = &Stack{Transport: countingTransport{stack.Transport, counters}, Store: countStore(stack.Store, counters), Close: stack.Close}
	}
	if !opts.NoWorker {
		stop, err := startWorker(ctx, stack, opts)
		if err != nil {
			return rep, err
		}
		defer func() {
			if serr := stop(); serr != nil && err == nil {
				err = fmt.Errorf("bench: worker: %w", serr)
			}
		}()
	}
	c, err := client.New(ctx, client.Config{Transport: stack.Transport, Logger: opts.Logger, Interceptors: opts.Interceptors})
	if err != nil {
		return rep, fmt.Errorf("bench: client: %w", err)
	}
	defer c.Close()

	if opts.Workflows > 0 {
		lat, elapsed, failed, ferr := throughput(ctx, c, opts)
		if counters != nil {
			rep.Ops = counters.snapshot()
		}
		rep.Completed, rep.Failed, rep.Elapsed = len(lat), failed, elapsed
		if opts.HeapProfile != "" {
			if err := writeHeapProfile(opts.HeapProfile); err != nil {
				return rep, err
			}
		}
		rep.Latency = percentiles(lat)
		if elapsed > 0 {
			rep.WorkflowsPerSec = float64(len(lat)) / elapsed.Seconds()
			rep.TasksPerSec = float64(len(lat)*opts.Tasks) / elapsed.Seconds()
		}
		if ferr != nil {
			return rep, ferr
		}
	}
	if opts.Lone > 0 {
		warm := 0
		if opts.Workflows == 0 {
			warm = loneWarmup
		}
		var before *Ops
		if counters != nil {
			before = counters.snapshot()
		}
		lat, lerr := lone(ctx, c, opts, warm)
		rep.Lone, rep.LoneLatency = len(lat), percentiles(lat)
		if counters != nil {
			rep.LoneOps = counters.snapshot().sub(before)
		}
		if lerr != nil {
			return rep, lerr
		}
	}
	return rep, nil
}

// RunWorker opens opts.Backend and runs the benchmark's worker (service
// and workflow, with opts' concurrency, batch size, retention and events
// settings) until ctx ends: the workers of a Run with NoWorker, in
// processes of their own.
func RunWorker(ctx context.Context, opts Options) (err error) {
	if opts.Backend.Open == nil {
		return errors.New("bench: Options.Backend is required")
	}
	opts.ServiceConcurrency = cmp.Or(opts.ServiceConcurrency, DefaultServiceConcurrency)
	opts.WorkflowConcurrency = cmp.Or(opts.WorkflowConcurrency, DefaultWorkflowConcurrency)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	stack, err := opts.Backend.Open(ctx)
	if err != nil {
		return fmt.Errorf("bench: open backend %s: %w", opts.Backend.Name, err)
	}
	stop, err := startWorker(ctx, stack, opts)
	if err != nil {
		return errors.Join(err, stack.Close())
	}
	<-ctx.Done()
	return errors.Join(stop(), stack.Close())
}

// startWorker runs the benchmark's service and workflow on one worker.
func startWorker(ctx context.Context, s *Stack, opts Options) (stop func() error, err error) {
	w, err := worker.New(worker.Config{Transport: s.Transport, Store: s.Store, Logger: opts.Logger, ShutdownGrace: 10 * time.Second,
		Interceptors: opts.Interceptors, NoEvents: opts.NoEvents})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if err := worker.AddService[BenchSteps](w, steps{}, worker.WithConcurrency(opts.ServiceConcurrency)); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	wopts := []worker.WorkflowOption{worker.WithConcurrency(opts.WorkflowConcurrency)}
	if opts.BatchSize > 0 {
		wopts = append(wopts, worker.WithFetchSize(opts.BatchSize))
	}
	if opts.Retention > 0 {
		wopts = append(wopts, worker.WithRetention(opts.Retention))
	}
	if err := worker.AddWorkflow(w, func() BenchFlow { return flow{} }, wopts...); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- w.Run(wctx) }()
	return func() error { cancel(); return <-done }, nil
}

// execute runs one workflow and returns its latency from dispatch to
// completion.
func execute(ctx context.Context, c *client.Client, tasks int) (time.Duration, error) {
	t0 := time.Now()
	run, err := client.Start(ctx, c, BenchFlow.Sequential, tasks)
	if err != nil {
		return 0, err
	}
	got, err := run.Await(ctx)
	d := time.Since(t0)
	if err != nil {
		return 0, err
	}
	return d, checkResult(got, tasks)
}

// throughput runs opts.Workflows workflows, at most opts.Concurrency in
// flight, and returns the latencies of the completed ones, the wall time
// from the first dispatch to the last completion, and the failures.
func throughput(ctx context.Context, c *client.Client, opts Options) (lat []time.Duration, elapsed time.Duration, failed int, err error) {
	n := opts.Workflows
	inFlight := opts.Concurrency
	if inFlight == 0 || inFlight > n {
		inFlight = n
	}
	var (
		mu       sync.Mutex
		firstErr error
		done     atomic.Int64
	)
	lat = make([]time.Duration, 0, n)
	record := func(d time.Duration, err error) {
		mu.Lock()
		if err != nil {
			failed++
			if firstErr == nil {
				firstErr = err
			}
		} else {
			lat = append(lat, d)
		}
		mu.Unlock()
		done.Add(1)
	}
	stopProgress := reportProgress(opts.Progress, PhaseThroughput, n, &done)
	start := time.Now()
	// Every workflow is started by one of inFlight goroutines, which then
	// awaits it before starting the next: at most inFlight in flight.
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range inFlight {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				record(execute(ctx, c, opts.Tasks))
			}
		})
	}
	wg.Wait()
	elapsed = time.Since(start)
	stopProgress()
	if firstErr != nil {
		firstErr = fmt.Errorf("bench: %d of %d workflows failed; first: %w", failed, n, firstErr)
	}
	return lat, elapsed, failed, firstErr
}

// lone runs opts.Lone workflows one after the other (after warm
// unmeasured ones) and returns their latencies.
func lone(ctx context.Context, c *client.Client, opts Options, warm int) ([]time.Duration, error) {
	for range warm {
		if _, err := execute(ctx, c, opts.Tasks); err != nil {
			return nil, fmt.Errorf("bench: warm-up workflow: %w", err)
		}
	}
	var done atomic.Int64
	stopProgress := reportProgress(opts.Progress, PhaseLone, opts.Lone, &done)
	defer stopProgress()
	lat := make([]time.Duration, 0, opts.Lone)
	for range opts.Lone {
		d, err := execute(ctx, c, opts.Tasks)
		if err != nil {
			return lat, fmt.Errorf("bench: lone workflow: %w", err)
		}
		lat = append(lat, d)
		done.Add(1)
	}
	return lat, nil
}

// reportProgress calls f every 100ms until the returned stop is called,
// then once more.
func reportProgress(f func(Progress), phase string, total int, done *atomic.Int64) (stop func()) {
	if f == nil {
		return func() {}
	}
	quit, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				f(Progress{Phase: phase, Done: int(done.Load()), Total: total})
				return
			case <-t.C:
				f(Progress{Phase: phase, Done: int(done.Load()), Total: total})
			}
		}
	}()
	return func() { close(quit); <-exited }
}

// Percentiles summarizes latencies. All zero when nothing was measured.
type Percentiles struct {
	P50, P90, P99, Max time.Duration
}

// percentiles uses the nearest-rank method on a sorted copy.
func percentiles(lat []time.Duration) Percentiles {
	if len(lat) == 0 {
		return Percentiles{}
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	rank := func(pct int) time.Duration { // the ceil(n*pct/100)-th smallest
		i := (len(s)*pct+99)/100 - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return Percentiles{P50: rank(50), P90: rank(90), P99: rank(99), Max: s[len(s)-1]}
}
