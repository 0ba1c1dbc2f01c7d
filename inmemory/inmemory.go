// Package inmemory runs a whole infinitic-go deployment in one process,
// in memory: a transport, a store, a worker and a client. It is for
// examples, demos and quick experiments; nothing survives the process.
// Tests prefer package infinitictest (same thing, plus a skippable clock).
//
//	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
//		return worker.AddService[Greeter](w, greeter{})
//	})
//	if err != nil { ... }
//	defer d.Close()
//	greeting, err := client.Execute(ctx, d.Client, HelloWorkflow.Greet, "Ada")
package inmemory

import (
	"context"
	"errors"
	"log/slog"

	"github.com/infinitic-go/infinitic/client"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
)

// Deployment is a running in-memory deployment.
type Deployment struct {
	Transport *memory.Transport
	Store     *memstore.Store
	Worker    *worker.Worker
	Client    *client.Client

	stop    context.CancelFunc
	stopped chan error
}

// Start builds the deployment, lets register add services and workflows
// to the worker, runs the worker and connects the client. Logs are
// discarded; use StartWithLogger to see them.
func Start(ctx context.Context, register func(w *worker.Worker) error) (*Deployment, error) {
	return StartWithLogger(ctx, slog.New(slog.DiscardHandler), register)
}

// StartWithLogger is Start with the worker and client logging to logger.
func StartWithLogger(ctx context.Context, logger *slog.Logger, register func(w *worker.Worker) error) (_ *Deployment, err error) {
	d := &Deployment{Transport: memory.New(), Store: memstore.New(), stopped: make(chan error, 1)}
	defer func() {
		if err != nil {
			err = errors.Join(err, d.Close())
		}
	}()
	if d.Worker, err = worker.New(worker.Config{Transport: d.Transport, Store: d.Store, Logger: logger}); err != nil {
		return d, err
	}
	if err := register(d.Worker); err != nil {
		return d, err
	}
	var runCtx context.Context
	runCtx, d.stop = context.WithCancel(context.WithoutCancel(ctx))
	go func() { d.stopped <- d.Worker.Run(runCtx) }()
	d.Client, err = client.New(ctx, client.Config{Transport: d.Transport, Store: d.Store, Logger: logger})
	return d, err
}

// Close stops the worker (in-flight work finishes first), then closes the
// client, the transport and the store. It returns the first error.
func (d *Deployment) Close() error {
	var errs []error
	if d.stop != nil {
		d.stop()
		errs = append(errs, <-d.stopped)
		d.stop = nil
	}
	if d.Client != nil {
		errs = append(errs, d.Client.Close())
	}
	errs = append(errs, d.Transport.Close(), d.Store.Close())
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Stop closes d and, if *err is nil, sets it to Close's error. In a
// function with a named error result: defer d.Stop(&err).
func (d *Deployment) Stop(err *error) {
	if cerr := d.Close(); *err == nil {
		*err = cerr
	}
}
