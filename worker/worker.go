// Package worker runs services and workflows.
//
// A Worker hosts the components a deployment chooses: service executors
// (registered with AddService) and workflow engines (AddWorkflow), each
// with its own concurrency. Run consumes until its context is canceled,
// then stops consuming and lets in-flight work finish within
// Config.ShutdownGrace; unfinished work is redelivered to another worker.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/clock"
	"github.com/infinitic-go/infinitic/interceptor"
	"github.com/infinitic-go/infinitic/internal/engine"
	"github.com/infinitic-go/infinitic/internal/health"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/workflow"
)

// Config configures a Worker. Transport is required; Store is required
// when the worker runs workflows.
type Config struct {
	// Transport carries the messages. Required.
	Transport transport.Transport
	// Store keeps workflow state. Required for AddWorkflow.
	Store store.Store
	// Codec encodes user payloads. Default: infinitic.JSON.
	Codec infinitic.Codec
	// Aliases override wire names; give the client the same ones.
	Aliases []infinitic.Alias
	// Logger receives the worker's logs. Default: slog.Default().
	Logger *slog.Logger
	// Clock tells time. Default: clock.System; tests use a *clock.Fake.
	Clock clock.Clock
	// ShutdownGrace bounds how long Run waits for in-flight work after its
	// context is canceled. Default: 30s.
	ShutdownGrace time.Duration
	// Services tunes services by wire name, for settings kept out of the
	// code (a config file: package config). They are applied after the
	// options given to AddService, so they win. Run fails if a name is
	// never registered: a misspelled name is not silently ignored.
	// Default: none.
	Services map[string][]ServiceOption
	// Workflows tunes workflows by wire name, like Services, after the
	// options given to AddWorkflow. Default: none.
	Workflows map[string][]WorkflowOption
	// HealthAddr, if set, is the host:port where Run serves HTTP probes:
	// /healthz (200 while running) and /readyz (200 once the consumers of
	// every service and workflow are bound, 503 before and while shutting
	// down; see Ready). Default: none.
	HealthAddr string
	// Metrics, if set, is served as /metrics on HealthAddr: the handler
	// of otelinfinitic/prom, for Prometheus. Default: none.
	Metrics http.Handler
	// Interceptors run around each task attempt and each workflow step
	// of the worker (the first is the outermost): see package
	// interceptor. Default: none.
	Interceptors []interceptor.Interceptor
	// NoEvents turns off the event stream: the worker's engines and
	// executors publish no lifecycle events (package events). Default:
	// false (events on).
	NoEvents bool
}

// Worker hosts service executors and workflow engines.
type Worker struct {
	cfg        Config
	names      *naming.Table
	components []component
	seen       map[string]bool
	workflows  map[string]*engine.WorkflowConfig // by name, to add versions
	consumers  *consumers                        // the transport, tracking bound consumers (Ready)
	mu         sync.Mutex
	running    bool
	stopping   bool   // Run's context ended: shutting down, or stopped
	health     string // the address probes are served on, once serving
}

type component interface {
	Run(ctx context.Context) error
}

// New validates cfg and returns a worker with no component yet.
func New(cfg Config) (*Worker, error) {
	if cfg.Transport == nil {
		return nil, errors.New("worker: Config.Transport is required")
	}
	if cfg.Codec == nil {
		cfg.Codec = infinitic.JSON
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = 30 * time.Second
	}
	names, err := naming.NewTable(cfg.Aliases)
	if err != nil {
		return nil, fmt.Errorf("worker: %w: %w", infinitic.ErrInvalidContract, err)
	}
	tracked := &consumers{Transport: cfg.Transport, open: map[string]int{}}
	cfg.Transport = tracked
	return &Worker{cfg: cfg, names: names, consumers: tracked, seen: map[string]bool{}, workflows: map[string]*engine.WorkflowConfig{}}, nil
}

func (w *Worker) env() engine.Env {
	return engine.Env{Transport: w.cfg.Transport, Store: w.cfg.Store, Codec: w.cfg.Codec, Names: w.names, Clock: w.cfg.Clock, Logger: w.cfg.Logger, Interceptors: w.cfg.Interceptors}
}

// AddService registers impl as the implementation of service contract S
// (an interface type whose methods look like M(ctx context.Context[, in
// I]) (O, error)).
func AddService[S any](w *Worker, impl S, opts ...ServiceOption) error {
	c, err := engine.NewContract(reflect.TypeFor[S](), reflect.TypeFor[context.Context](), w.names)
	if err != nil {
		return fmt.Errorf("worker: service: %w", err)
	}
	o, err := buildServiceOptions(append(slices.Clip(opts), w.cfg.Services[c.Name]...))
	if err != nil {
		return err
	}
	bound, err := c.Bind(impl)
	if err != nil {
		return fmt.Errorf("worker: service: %w", err)
	}
	delegated := map[string]bool{}
	for _, m := range o.delegated {
		parsed, err := naming.Parse(m)
		if err != nil || parsed.Contract != c.Type {
			return fmt.Errorf("worker: service %s: %w: WithDelegated(%T) is not a method expression of %s", c.Name, infinitic.ErrInvalidContract, m, c.Type)
		}
		delegated[w.names.Method(parsed)] = true
	}
	batches, err := w.batchConfigs(c, o.batches, o.batchSizes)
	if err != nil {
		return err
	}
	return w.add("service "+c.Name, engine.NewExecutor(w.env(), engine.ServiceConfig{
		Contract: c, Impl: bound, Concurrency: o.concurrency, Retry: o.retry, Timeout: o.timeout, Grace: o.grace,
		Delegated: delegated, Batches: batches, Events: !w.cfg.NoEvents,
	}))
}

// AddWorkflow registers workflow contract W (an interface type whose
// methods look like M(ctx workflow.Context[, in I]) (O, error)); newW
// returns a fresh implementation for each instance.
func AddWorkflow[W any](w *Worker, newW func() W, opts ...WorkflowOption) error {
	if w.cfg.Store == nil {
		return errors.New("worker: Config.Store is required to run workflows")
	}
	if newW == nil {
		return fmt.Errorf("worker: workflow: %w: nil factory", infinitic.ErrInvalidContract)
	}
	c, err := engine.NewContract(reflect.TypeFor[W](), reflect.TypeFor[workflow.Context](), w.names)
	if err != nil {
		return fmt.Errorf("worker: workflow: %w", err)
	}
	o, err := buildWorkflowOptions(append(slices.Clip(opts), w.cfg.Workflows[c.Name]...))
	if err != nil {
		return err
	}
	if _, err := c.Bind(newW()); err != nil {
		return fmt.Errorf("worker: workflow: %w", err)
	}
	factory := func() any { return newW() }
	w.mu.Lock()
	if cfg, ok := w.workflows[c.Name]; ok && !w.running {
		defer w.mu.Unlock()
		if _, dup := cfg.Versions[o.version]; dup {
			return fmt.Errorf("worker: workflow %s version %d is already registered", c.Name, o.version)
		}
		cfg.Versions[o.version] = factory
		return nil
	}
	w.mu.Unlock()
	cfg := &engine.WorkflowConfig{Contract: c, Versions: map[int]func() any{o.version: factory},
		Concurrency: o.concurrency, BatchSize: o.fetchSize, CacheSize: o.cacheSize, Retention: o.retention,
		EarlyMessageLife: o.earlyLife, Events: !w.cfg.NoEvents, HistoryWarn: o.historyWarn, HistoryLimit: o.historyMax}
	if err := w.add("workflow "+c.Name, engine.NewWorkflowEngine(w.env(), *cfg)); err != nil {
		return err
	}
	w.mu.Lock()
	w.workflows[c.Name] = cfg
	w.mu.Unlock()
	return nil
}

func (w *Worker) add(name string, c component) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running {
		return fmt.Errorf("worker: cannot add %s: the worker is running", name)
	}
	if w.seen[name] {
		return fmt.Errorf("worker: %s is already registered", name)
	}
	w.seen[name] = true
	w.components = append(w.components, c)
	return nil
}

// HealthAddr is the address where Run serves the HTTP probes
// (Config.HealthAddr, with its port resolved), "" until it serves them.
func (w *Worker) HealthAddr() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.health
}

// Run runs every component until ctx is canceled, then shuts down
// gracefully. It returns nil after a clean shutdown.
func (w *Worker) Run(ctx context.Context) error {
	w.mu.Lock()
	if w.running {
		w.mu.Unlock()
		return errors.New("worker: already running")
	}
	if len(w.components) == 0 {
		w.mu.Unlock()
		return errors.New("worker: nothing to run: add a service or a workflow first")
	}
	if err := w.unregistered(); err != nil {
		w.mu.Unlock()
		return err
	}
	w.running = true
	w.mu.Unlock()
	if w.cfg.HealthAddr != "" {
		probes, err := health.Listen(w.cfg.HealthAddr, w.Ready, w.cfg.Metrics)
		if err != nil {
			return fmt.Errorf("worker: health probes: %w", err)
		}
		defer func() { _ = probes.Close() }()
		w.mu.Lock()
		w.health = probes.Addr()
		w.mu.Unlock()
		w.cfg.Logger.Info("health probes served", "addr", probes.Addr())
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(w.components))
	var wg sync.WaitGroup
	for _, c := range w.components {
		wg.Go(func() {
			if err := c.Run(runCtx); err != nil {
				errs <- err
				cancel() // one component failing stops the worker
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	<-runCtx.Done()
	w.mu.Lock()
	w.stopping = true
	w.mu.Unlock()
	select {
	case <-done:
	case <-time.After(w.cfg.ShutdownGrace):
		return fmt.Errorf("worker: in-flight work did not finish within %v; it will be redelivered", w.cfg.ShutdownGrace)
	}
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}

// unregistered reports the names of Config.Services and Config.Workflows
// that were never registered. Call with w.mu held.
func (w *Worker) unregistered() error {
	var errs []error
	for name := range w.cfg.Services {
		if !w.seen["service "+name] {
			errs = append(errs, fmt.Errorf("worker: Config.Services tunes %q, but no service of that name is registered", name))
		}
	}
	for name := range w.cfg.Workflows {
		if !w.seen["workflow "+name] {
			errs = append(errs, fmt.Errorf("worker: Config.Workflows tunes %q, but no workflow of that name is registered", name))
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}
