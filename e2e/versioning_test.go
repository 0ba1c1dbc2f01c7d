package e2e_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/clock"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

type Greeting interface {
	Greet(ctx workflow.Context, name string) (string, error)
}

var Go = workflow.NewChannel[Greeting, bool]("go")

// greetV1 waits for a go signal, so it is still running when v2 arrives.
type greetV1 struct{}

func (greetV1) Greet(ctx workflow.Context, name string) (string, error) {
	if _, err := Go.Receive(ctx).Await(ctx); err != nil {
		return "", err
	}
	return "v1: hello " + name, nil
}

// greetV2 issues different commands: replaying v1's history would fail.
type greetV2 struct{}

func (greetV2) Greet(ctx workflow.Context, name string) (string, error) {
	if _, err := workflow.Timer(ctx, 0).Await(ctx); err != nil {
		return "", err
	}
	return "v2: hello " + name, nil
}

// logRecorder keeps the messages of error logs.
type logRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *logRecorder) WithGroup(string) slog.Handler            { return r }
func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec.Attrs(func(a slog.Attr) bool { r.msgs = append(r.msgs, a.Value.String()); return true })
	return nil
}

func (r *logRecorder) contains(s string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.msgs {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

func TestVersioning(t *testing.T) {
	ctx := testCtx(t)
	tr, st := memory.New(), memstore.New()
	defer tr.Close()
	c, err := client.New(ctx, client.Config{Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// deploy runs a worker with the given versions until the returned stop.
	deploy := func(logs slog.Handler, versions map[int]func() Greeting) (stop func()) {
		w, err := worker.New(worker.Config{Transport: tr, Store: st, Clock: clock.System, Logger: slog.New(logs)})
		if err != nil {
			t.Fatal(err)
		}
		for v, impl := range versions {
			if err := worker.AddWorkflow(w, impl, worker.WithVersion(v), worker.WithCacheSize(0)); err != nil {
				t.Fatal(err)
			}
		}
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- w.Run(runCtx) }()
		return func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
	}
	v1 := func() Greeting { return greetV1{} }
	v2 := func() Greeting { return greetV2{} }

	stop := deploy(slog.DiscardHandler, map[int]func() Greeting{1: v1})
	old, err := client.Start(ctx, c, Greeting.Greet, "old")
	if err != nil {
		t.Fatal(err)
	}
	// Wait until v1 stored the instance (the worker may start consuming
	// after the dispatch was published), then until it is idle.
	for keys, _ := st.Keys(ctx, "state.Greeting.", "", 1); len(keys) == 0; keys, _ = st.Keys(ctx, "state.Greeting.", "", 1) {
		select {
		case <-ctx.Done():
			t.Fatal("v1 never stored the instance")
		case <-tr.Changed():
		}
	}
	if err := tr.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	stop()

	// A worker that only has v2 cannot run the v1 instance: clear error,
	// and the message waits for a worker that can.
	logs := &logRecorder{}
	stop = deploy(logs, map[int]func() Greeting{2: v2})
	sent := make(chan error, 1)
	go func() { sent <- client.Send(ctx, c, Go, old.ID(), true) }()
	for !logs.contains("runs version 1, not registered on this worker (registered: [2])") {
		select {
		case <-ctx.Done():
			t.Fatalf("no clear error about the missing version: %q", logs.msgs)
		case <-tr.Changed():
		case <-time.After(10 * time.Millisecond): // the log may follow the last change
		}
	}
	stop()

	// Both versions: the old instance finishes on v1, new ones start on v2.
	stop = deploy(slog.DiscardHandler, map[int]func() Greeting{1: v1, 2: v2})
	defer stop()
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	if got, err := old.Await(ctx); err != nil || got != "v1: hello old" {
		t.Fatalf("old instance: %q %v", got, err)
	}
	if got, err := client.Execute(ctx, c, Greeting.Greet, "new"); err != nil || got != "v2: hello new" {
		t.Fatalf("new instance: %q %v", got, err)
	}
}
