// Package infinitictest runs workflows in memory for tests, with time
// skipping: when nothing is left to do but wait for a timer, the clock
// jumps to it, so a workflow sleeping for a month completes at once.
//
//	env := infinitictest.New(t)
//	worker.AddService[Greeter](env.Worker, greeterImpl{})
//	worker.AddWorkflow(env.Worker, func() HelloWorkflow { return &hello{} })
//	env.Start()
//	got, err := client.Execute(ctx, env.Client, HelloWorkflow.Greet, "Ada")
package infinitictest

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/clock"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
)

// Env is an in-memory deployment: one worker, one client, a fake clock.
type Env struct {
	Clock     *clock.Fake
	Transport *memory.Transport
	Store     *memstore.Store
	Worker    *worker.Worker
	Client    *client.Client

	t          TB
	skip       bool // skip time when idle
	cancel     context.CancelFunc
	done       chan struct{}
	started    atomic.Bool
	unhostedOK []string // WithUnhosted
	unwatch    func()   // stops watchUnhosted
}

// Option tunes New.
type Option func(*options)

type options struct {
	transportOpts []memory.Option
	aliases       []infinitic.Alias
	logger        *slog.Logger
	holdClock     bool
	unhosted      []string
}

// WithoutTimeSkipping keeps the clock still: it moves only when the test
// calls env.Clock.Advance or Set. Use it to act while a workflow waits on
// a timer, or to send to an instance before starting it: with time
// skipping, messages for an instance not started yet expire
// (worker.WithEarlyMessageLife) as soon as everything is idle.
func WithoutTimeSkipping() Option { return func(o *options) { o.holdClock = true } }

// WithTransportOptions passes options to the in-memory transport, for
// example memory.WithDuplicates() to test idempotence.
func WithTransportOptions(opts ...memory.Option) Option {
	return func(o *options) { o.transportOpts = append(o.transportOpts, opts...) }
}

// WithAliases sets wire-name overrides on the worker and the client.
func WithAliases(a ...infinitic.Alias) Option { return func(o *options) { o.aliases = a } }

// WithUnhosted names services and workflows that no worker hosts on
// purpose (a test blocking on a task that never runs): messages waiting
// for them do not fail the test.
func WithUnhosted(names ...string) Option {
	return func(o *options) { o.unhosted = append(o.unhosted, names...) }
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// TB is what New needs of a test: *testing.T, *testing.B and *testing.F
// satisfy it (as does any testing.TB), and so can a harness outside
// package testing.
type TB interface {
	Helper()
	Cleanup(func())
	Fatal(args ...any)
	Errorf(format string, args ...any)
}

// Start is the fake clock's initial time.
var Start = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// New builds an environment. Register components on env.Worker, then call
// env.Start. Everything stops at the end of the test.
//
// The environment fails the test, instead of letting it hang, when
// messages wait for a service or workflow that no worker hosts (or for a
// worker when env.Start was never called) while nothing else happens: it
// reports the mistake and closes env.Client, so that a pending Await
// returns client.ErrClosed. WithUnhosted lists the exceptions.
func New(t TB, opts ...Option) *Env {
	t.Helper()
	o := options{logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	clk := clock.NewFake(Start)
	tr := memory.New(append([]memory.Option{memory.WithClock(clk)}, o.transportOpts...)...)
	st := memstore.New()
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Clock: clk, Aliases: o.aliases, Logger: o.logger, ShutdownGrace: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(context.Background(), client.Config{Transport: tr, Store: st, Clock: clk, Aliases: o.aliases, Logger: o.logger})
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Clock: clk, Transport: tr, Store: st, Worker: w, Client: c, t: t, skip: !o.holdClock, unhostedOK: o.unhosted}
	watchCtx, cancel := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() { defer close(watched); env.watchUnhosted(watchCtx) }()
	env.unwatch = func() { cancel(); <-watched }
	t.Cleanup(env.stop)
	return env
}

// Start runs the worker and (unless WithoutTimeSkipping) the time skipper
// in the background. It returns once the worker consumes the subjects of
// its services and workflows.
func (e *Env) Start() {
	e.started.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel, e.done = cancel, make(chan struct{})
	errs := make(chan error, 1)
	go func() { errs <- e.Worker.Run(ctx) }()
	go func() {
		defer close(e.done)
		if err := <-errs; err != nil {
			e.t.Errorf("infinitictest: worker: %v", err)
		}
	}()
	for e.Worker.Ready() != nil { // the worker consumes every subject before the test goes on
		select {
		case <-e.done:
			return
		case <-time.After(time.Millisecond):
		}
	}
	if e.skip {
		go e.skipTime(ctx)
	}
}

// skipTime advances the clock to the next timer whenever the system is
// idle. It subscribes to changes before it looks for the next delivery
// time: a timer published after that look closes the channel it waits on,
// so no wakeup is missed.
func (e *Env) skipTime(ctx context.Context) {
	for ctx.Err() == nil {
		changed := e.Transport.Changed()
		if err := e.Transport.WaitIdle(ctx); err != nil {
			return
		}
		if next, ok := e.Transport.NextDeliveryTime(); ok {
			e.Clock.Set(next)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
	}
}

func (e *Env) stop() {
	e.unwatch()
	if e.cancel != nil {
		e.cancel()
		<-e.done
	}
	_ = e.Client.Close()
	if err := e.Transport.Close(); err != nil && !errors.Is(err, context.Canceled) {
		e.t.Errorf("infinitictest: close transport: %v", err)
	}
}
