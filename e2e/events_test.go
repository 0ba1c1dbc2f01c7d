package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/events"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/internal/wire"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Voyage goes through every kind of event: a task retried once, a timer,
// a signal, a child workflow, and (for a negative n) a failed task.
type Voyage interface {
	Sail(ctx workflow.Context, n int) (int, error)
	Dock(ctx workflow.Context, n int) (int, error)
}

var Horns = workflow.NewChannel[Voyage, string]("horns")

type Crew interface {
	Row(ctx context.Context, n int) (int, error)
	Sink(ctx context.Context, n int) (int, error)
}

type crew struct{}

func (crew) Row(ctx context.Context, n int) (int, error) {
	if task, _ := infinitic.TaskFrom(ctx); task.Attempt == 1 {
		return 0, errors.New("first stroke missed")
	}
	return n, nil
}

func (crew) Sink(context.Context, int) (int, error) {
	return 0, infinitic.NonRetryable(errors.New("sunk"))
}

type voyage struct{}

func (voyage) Sail(ctx workflow.Context, n int) (int, error) {
	r, err := workflow.Call(ctx, Crew.Row, n)
	if err != nil {
		return 0, err
	}
	if err := workflow.Sleep(ctx, 10*time.Millisecond); err != nil {
		return 0, err
	}
	if _, err := Horns.Receive(ctx).Await(ctx); err != nil {
		return 0, err
	}
	docked, err := workflow.CallChild(ctx, Voyage.Dock, r)
	if err != nil || n >= 0 {
		return docked, err
	}
	return workflow.Call(ctx, Crew.Sink, docked)
}

func (voyage) Dock(_ workflow.Context, n int) (int, error) { return 2 * n, nil }

func registerVoyage(t *testing.T, w *worker.Worker) {
	err := errors.Join(
		worker.AddService[Crew](w, crew{}, worker.WithRetry(infinitic.RetryPolicy{MaxRetries: 1, MinDelay: time.Millisecond})),
		worker.AddWorkflow(w, func() Voyage { return voyage{} }))
	if err != nil {
		t.Fatal(err)
	}
}

// Each instance's events, in order: the child workflows are <parent>.3.
var (
	voyageStart = []string{
		wire.EventWorkflowDispatched, wire.EventWorkflowStarted,
		wire.EventTaskDispatched, wire.EventTaskStarted, wire.EventTaskRetryScheduled, wire.EventTaskStarted, wire.EventTaskCompleted,
		wire.EventTimerDispatched, wire.EventTimerCompleted, wire.EventSignalReceived,
		wire.EventChildDispatched, wire.EventChildCompleted,
	}
	voyageCompleted = append(slices.Clone(voyageStart), wire.EventWorkflowCompleted)
	voyageFailed    = append(slices.Clone(voyageStart),
		wire.EventTaskDispatched, wire.EventTaskStarted, wire.EventTaskFailed, wire.EventWorkflowFailed)
	dockCompleted = []string{wire.EventWorkflowDispatched, wire.EventWorkflowStarted, wire.EventWorkflowCompleted}
)

// sailBoth runs a voyage that completes and one that fails, and returns
// once both ended.
func sailBoth(ctx context.Context, t *testing.T, d *deployment) {
	t.Helper()
	a, err := admin.New(ctx, admin.Config{Transport: d.Transport, Store: d.Store})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	runs := map[string]*client.Run[int]{}
	for id, n := range map[string]int{"ok": 1, "ko": -1} {
		if runs[id], err = client.Start(ctx, d.Client, Voyage.Sail, n, client.WithID(id)); err != nil {
			t.Fatal(err)
		}
	}
	for id := range runs {
		d.waitFor(ctx, t, id+" waiting for its horn", func() bool {
			in, err := a.Describe(ctx, "Voyage", id)
			return err == nil && len(in.Pending) == 1 && in.Pending[0].Kind == admin.StepReceive
		})
		if err := client.Send(ctx, d.Client, Horns, id, "toot"); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := runs["ok"].Await(ctx); got != 2 || err != nil {
		t.Fatalf("ok: %d %v", got, err)
	}
	if _, err := runs["ko"].Await(ctx); err == nil {
		t.Fatalf("ko: %v", err)
	}
}

// checkVoyageEvents checks that the stream holds each instance's events
// once, in order, with contiguous workflowseq numbers; both in the raw
// stream and through events.Read.
func checkVoyageEvents(ctx context.Context, t *testing.T, tr transport.Transport) {
	t.Helper()
	want := map[string][]string{"ok": voyageCompleted, "ko": voyageFailed, "ok.3": dockCompleted, "ko.3": dockCompleted}
	total := 0
	for _, types := range want {
		total += len(types)
	}
	byInstance := map[string][]string{}
	seqs := map[string][]int{}
	// The last events are published after Await returned: wait for them.
	deadline := time.Now().Add(30 * time.Second)
	for {
		clear(byInstance)
		clear(seqs)
		err := events.Read(ctx, tr, events.FromStart(), events.Filter{Workflows: []string{"Voyage"}}, func(e events.Event) error {
			byInstance[e.WorkflowID()] = append(byInstance[e.WorkflowID()], e.Type())
			if s := e.WorkflowSeq(); s > 0 {
				seqs[e.WorkflowID()] = append(seqs[e.WorkflowID()], s)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, types := range byInstance {
			n += len(types)
		}
		if n >= total || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond) // polling a stream that eventually holds them all
	}
	for id, types := range want {
		if got := byInstance[id]; !slices.Equal(got, types) {
			t.Errorf("events of %s:\n got %s\nwant %s", id, strings.Join(got, " "), strings.Join(types, " "))
		}
		for i, s := range seqs[id] {
			if s != i+1 {
				t.Errorf("workflowseq of %s: %v, want 1, 2, 3...", id, seqs[id])
				break
			}
		}
	}
	if len(byInstance) != len(want) {
		t.Errorf("events of instances %v, want those of %v", byInstance, want)
	}
	// The raw stream holds no copy either (the transport's deduplication).
	r, err := tr.(transport.Log).ReadLog(ctx, wire.EventSubjects(), transport.LogPosition{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ids := map[string]bool{}
	for len(ids) < total {
		entry, err := r.Next(ctx)
		if err != nil {
			t.Fatalf("raw stream: %d distinct events of %d: %v", len(ids), total, err)
		}
		evs, err := events.Decode(entry.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if ids[e.ID()] {
				t.Errorf("event %s (%s) twice in the stream", e.ID(), e.Type())
			}
			ids[e.ID()] = true
		}
	}
}

// TestEventStream checks that every transition is published once, in
// order per instance, on memory (also with every message delivered twice
// and out of order) and on the embedded backend.
func TestEventStream(t *testing.T) {
	onBackends(t, registerVoyage, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		sailBoth(ctx, t, d)
		checkVoyageEvents(ctx, t, d.Transport)
	})
	t.Run("memory-duplicates", func(t *testing.T) {
		env := infinitictest.New(t, infinitictest.WithTransportOptions(memory.WithDuplicates(), memory.WithReorder(3)))
		registerVoyage(t, env.Worker)
		env.Start()
		d := &deployment{Worker: env.Worker, Client: env.Client, Transport: env.Transport, Store: env.Store, Mem: env}
		ctx := testCtx(t)
		sailBoth(ctx, t, d)
		checkVoyageEvents(ctx, t, d.Transport)
	})
}

// ackLost publishes, then fails the first calls that carry events, as if
// the acknowledgement had been lost: the engine applies the step again
// (after a reload) and the executor runs the attempt again.
type ackLost struct {
	*memory.Transport
	failures atomic.Int32
}

func (a *ackLost) Publish(ctx context.Context, msgs ...transport.Message) error {
	if err := a.Transport.Publish(ctx, msgs...); err != nil {
		return err
	}
	for _, m := range msgs {
		if strings.HasPrefix(m.Subject, wire.EventSubjects()[:len(wire.EventSubjects())-1]) && a.failures.Add(-1) >= 0 {
			return errors.New("ack lost")
		}
	}
	return nil
}

// TestEventsOnceAfterFailedPublishes checks that steps and attempts
// carried out again after a publish failed do not publish their events
// twice.
func TestEventsOnceAfterFailedPublishes(t *testing.T) {
	ctx := testCtx(t)
	tr := &ackLost{Transport: memory.New()}
	tr.failures.Store(12)
	st := memstore.New()
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	registerVoyage(t, w)
	c, err := client.New(ctx, client.Config{Transport: tr, Store: st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	runWorker(t, w)
	d := &deployment{Worker: w, Client: c, Transport: tr, Store: st}
	sailBoth(ctx, t, d)
	if n := tr.failures.Load(); n > 0 {
		t.Fatalf("only %d publishes failed", 12-n)
	}
	checkVoyageEvents(ctx, t, tr)
}

// Lookout's task returns once the stream holds its task.started event: an
// attempt running longer than the executor's short-attempt delay
// publishes it on its own, while it runs (quicker ones carry it with
// their outcome event).
type Lookout interface {
	Watch(ctx context.Context, n int) (int, error)
}

type lookout struct {
	tr atomic.Pointer[transport.Transport]
}

var errSeen = errors.New("seen")

func (l *lookout) Watch(ctx context.Context, n int) (int, error) {
	task, _ := infinitic.TaskFrom(ctx)
	err := events.Listen(ctx, *l.tr.Load(), events.FromStart(), events.Filter{}, func(e events.Event) error {
		if e.Type() == wire.EventTaskStarted && e.Subject() == task.ID {
			return errSeen
		}
		return nil
	})
	if !errors.Is(err, errSeen) {
		return 0, fmt.Errorf("task.started not seen: %w", err)
	}
	return n, nil
}

type watch struct{}

func (watch) Keep(ctx workflow.Context, n int) (int, error) {
	return workflow.Call(ctx, Lookout.Watch, n)
}

type Watch interface {
	Keep(ctx workflow.Context, n int) (int, error)
}

// TestTaskStartedWhileRunning checks that a long attempt's task.started
// event is published before the attempt ends, and once.
func TestTaskStartedWhileRunning(t *testing.T) {
	l := &lookout{}
	onBackends(t, func(t *testing.T, w *worker.Worker) {
		if err := errors.Join(worker.AddService[Lookout](w, l), worker.AddWorkflow(w, func() Watch { return watch{} })); err != nil {
			t.Fatal(err)
		}
	}, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		l.tr.Store(&d.Transport)
		run, err := client.Start(ctx, d.Client, Watch.Keep, 7, client.WithID("w"))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := run.Await(ctx); got != 7 || err != nil {
			t.Fatalf("got %d, %v", got, err)
		}
		var types []string
		err = events.Read(ctx, d.Transport, events.FromStart(), events.Filter{Workflows: []string{"Watch"}}, func(e events.Event) error {
			if strings.HasPrefix(e.Type(), "infinitic.task.") {
				types = append(types, e.Type())
			}
			return nil
		})
		if want := []string{wire.EventTaskStarted, wire.EventTaskCompleted}; err != nil || !slices.Equal(types, want) {
			t.Fatalf("task events %v (%v), want %v", types, err, want)
		}
	})
}
