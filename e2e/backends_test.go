package e2e_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/store"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
)

// backend is where messages and state live in a scenario that runs on
// more than the in-memory test kit.
type backend struct {
	name string
	open func(t *testing.T) (transport.Transport, store.Store)
}

// backends are the in-memory backend and the embedded NATS server (with
// its data in a temporary directory); both close at the end of the test.
var backends = []backend{
	{"memory", func(t *testing.T) (transport.Transport, store.Store) {
		tr, st := memory.New(), memstore.New()
		t.Cleanup(func() { _ = tr.Close(); _ = st.Close() })
		return tr, st
	}},
	{"embedded", func(t *testing.T) (transport.Transport, store.Store) {
		b, err := embedded.Open(testCtx(t), embedded.Config{DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = b.Close() })
		return b.Transport, b.Store
	}},
}

// deployment is a worker and a client on one backend: the in-memory test
// kit (fake clock, time skipping) or the embedded NATS server (real
// clock, data in a temporary directory). Scenarios written against it run
// on both with forEachBackend.
type deployment struct {
	Client *client.Client
	Store  store.Store
	// Mem is the test kit on memory, nil on embedded.
	Mem *infinitictest.Env

	t        *testing.T
	register func(*worker.Worker) error
	dir      string            // embedded: the data directory
	backend  *embedded.Backend // embedded: the open backend
	stop     func()            // embedded: stops the worker and the client
}

// forEachBackend runs fn as a subtest on memory, then on embedded, with a
// worker on which register added the components. Timers and delays in
// such scenarios must be short: embedded runs on the real clock.
func forEachBackend(t *testing.T, register func(*worker.Worker) error, fn func(t *testing.T, d *deployment)) {
	t.Run("memory", func(t *testing.T) {
		env := infinitictest.New(t)
		if err := register(env.Worker); err != nil {
			t.Fatal(err)
		}
		env.Start()
		fn(t, &deployment{Client: env.Client, Store: env.Store, Mem: env, t: t, register: register})
	})
	t.Run("embedded", func(t *testing.T) {
		d := &deployment{t: t, register: register, dir: t.TempDir()}
		d.open()
		t.Cleanup(d.close)
		fn(t, d)
	})
}

// open starts the embedded backend on d.dir, a worker and a client.
func (d *deployment) open() {
	t := d.t
	t.Helper()
	ctx := context.Background()
	b, err := embedded.Open(ctx, embedded.Config{DataDir: d.dir})
	if err != nil {
		t.Fatal(err)
	}
	d.backend, d.Store = b, b.Store
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Config{Transport: b.Transport, Store: b.Store, Logger: quiet, ShutdownGrace: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.register(w); err != nil {
		t.Fatal(err)
	}
	if d.Client, err = client.New(ctx, client.Config{Transport: b.Transport, Store: b.Store, Logger: quiet}); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	d.stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
		_ = d.Client.Close()
	}
}

// close stops everything; the data directory stays.
func (d *deployment) close() {
	if d.backend == nil {
		return
	}
	d.stop()
	if err := d.backend.Close(); err != nil {
		d.t.Errorf("close embedded backend: %v", err)
	}
	d.backend = nil
}

// restart stops the worker, the client and the server, then starts them
// again on the same data: what a crash and a redeploy do (embedded only;
// on memory it does nothing, nothing would survive).
func (d *deployment) restart() {
	d.t.Helper()
	if d.Mem != nil {
		return
	}
	d.close()
	d.open()
}

// waitFor waits until cond holds: at each transport change on memory
// (where the clock may skip), polling on embedded.
func (d *deployment) waitFor(ctx context.Context, what string, cond func() bool) {
	d.t.Helper()
	if d.Mem != nil {
		for {
			changed := d.Mem.Transport.Changed()
			if cond() {
				return
			}
			select {
			case <-ctx.Done():
				d.t.Fatalf("%s: never happened", what)
			case <-changed:
			}
		}
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			d.t.Fatalf("%s: never happened", what)
		case <-tick.C:
		}
	}
}
