package e2e_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Kiln's Fire runs longer than the transport's ack timeout.
type Kiln interface {
	Fire(ctx context.Context, d time.Duration) (string, error)
}

type kiln struct{ fired atomic.Int32 }

func (k *kiln) Fire(_ context.Context, d time.Duration) (string, error) {
	k.fired.Add(1)
	time.Sleep(d)
	return "fired", nil
}

type Pottery interface {
	Make(ctx workflow.Context, d time.Duration) (string, error)
}

type pottery struct{}

func (pottery) Make(ctx workflow.Context, d time.Duration) (string, error) {
	return workflow.Call(ctx, Kiln.Fire, d)
}

// TestTaskLongerThanAckWait: a task running for three times the
// transport's AckWait (1 s here) runs once: its executor extends its
// delivery while it runs (transport.Extender), so it is not delivered
// again meanwhile.
func TestTaskLongerThanAckWait(t *testing.T) {
	ctx := testCtx(t)
	b := openWithAckWait(ctx, t)
	k := &kiln{}
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Config{Transport: b.Transport, Store: b.Store, Logger: quiet, ShutdownGrace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(worker.AddService[Kiln](w, k), worker.AddWorkflow(w, func() Pottery { return pottery{} })); err != nil {
		t.Fatal(err)
	}
	runWorker(t, w)
	c, err := client.New(ctx, client.Config{Transport: b.Transport, Store: b.Store, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	run, err := client.Start(ctx, c, Pottery.Make, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := run.Await(ctx); err != nil || out != "fired" {
		t.Fatalf("Await: %q, %v", out, err)
	}
	if n := k.fired.Load(); n != 1 {
		t.Fatalf("the task ran %d times, want once", n)
	}
}
