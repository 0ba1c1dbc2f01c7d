package e2e_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/worker"
)

// deployment is a running worker and a client on one backend, for the
// scenarios that must behave the same on every backend.
type deployment struct {
	Worker    *worker.Worker
	Client    *client.Client
	Transport transport.Transport
	Store     store.Store
	// DeadLetters returns the reasons of the dead letters so far.
	DeadLetters func(ctx context.Context) []string
	// Mem is the test kit on memory (fake clock, time skipping), nil on
	// embedded (real clock: keep timers and delays short).
	Mem *infinitictest.Env
	// Server is the embedded server, nil on memory.
	Server *embedded.Server

	dir      string                           // embedded: the data directory
	register func(*testing.T, *worker.Worker) // embedded: for restarts
	stop     func()                           // embedded: stops everything, once
}

// restarted stops the worker, the client and the embedded server, and
// starts them again on the same data, as after a crash and a redeploy. On
// memory (nothing would survive) it returns d unchanged.
func (d *deployment) restarted(t *testing.T) *deployment {
	t.Helper()
	if d.Mem != nil {
		return d
	}
	d.stop()
	return startEmbeddedIn(t, d.dir, d.register)
}

// waitFor waits until cond holds: at each transport change on memory
// (where the clock may skip meanwhile), polling on embedded.
func (d *deployment) waitFor(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for {
		var changed <-chan struct{}
		var poll <-chan time.Time
		if d.Mem != nil {
			changed = d.Mem.Transport.Changed()
		} else {
			poll = time.After(5 * time.Millisecond)
		}
		if cond() {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: never happened", what)
		case <-changed:
		case <-poll:
		}
	}
}

// onBackends runs test on the in-memory test kit and on the embedded NATS
// backend (data in a temporary directory), each with the components that
// register adds to its worker.
func onBackends(t *testing.T, register func(*testing.T, *worker.Worker), test func(*testing.T, *deployment)) {
	t.Run("memory", func(t *testing.T) {
		env := infinitictest.New(t)
		register(t, env.Worker)
		env.Start()
		test(t, &deployment{Worker: env.Worker, Client: env.Client, Transport: env.Transport, Store: env.Store, Mem: env,
			DeadLetters: func(context.Context) []string {
				var reasons []string
				for _, dl := range env.Transport.DeadLetters() {
					reasons = append(reasons, dl.Reason)
				}
				return reasons
			}})
	})
	t.Run("embedded", func(t *testing.T) {
		test(t, startEmbedded(t, register))
	})
}

// startEmbedded opens the embedded backend in a temporary directory and
// runs a worker on it until the end of the test.
func startEmbedded(t *testing.T, register func(*testing.T, *worker.Worker)) *deployment {
	t.Helper()
	return startEmbeddedIn(t, t.TempDir(), register)
}

// startEmbeddedIn is startEmbedded with the data in dir.
func startEmbeddedIn(t *testing.T, dir string, register func(*testing.T, *worker.Worker)) *deployment {
	t.Helper()
	b, err := embedded.Open(context.Background(), embedded.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Config{Transport: b.Transport, Store: b.Store, Logger: quiet, ShutdownGrace: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	register(t, w)
	c, err := client.New(context.Background(), client.Config{Transport: b.Transport, Store: b.Store, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	stop := sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
		_ = c.Close()
		if err := b.Close(); err != nil {
			t.Errorf("close backend: %v", err)
		}
	})
	t.Cleanup(stop)
	return &deployment{Worker: w, Client: c, Transport: b.Transport, Store: b.Store, Server: b.Server,
		dir: dir, register: register, stop: stop,
		DeadLetters: func(ctx context.Context) []string {
			dls, err := b.Transport.DeadLetters(ctx, "", 1000)
			if err != nil {
				t.Errorf("read dead letters: %v", err)
			}
			var reasons []string
			for _, dl := range dls {
				reasons = append(reasons, dl.Reason)
			}
			return reasons
		}}
}

// runWorker runs w until the end of the test, then closes closers in
// order; an error of the worker's Run fails the test.
func runWorker(t *testing.T, w *worker.Worker, closers ...io.Closer) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
		for _, c := range closers {
			_ = c.Close()
		}
	})
}
