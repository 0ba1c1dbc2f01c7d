package otelinfinitic_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/interceptor"
	"github.com/infinitic-go/infinitic/otelinfinitic"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type Shop interface {
	Reserve(ctx context.Context, item string) (string, error)
	Charge(ctx context.Context, amount int) (string, error)
	Ship(ctx context.Context, item string) (string, error)
}

type shop struct {
	charges atomic.Int32
	gate    chan struct{} // Ship waits for it, if set
	entered chan struct{}
}

func (s *shop) Reserve(_ context.Context, item string) (string, error) {
	return "reserved " + item, nil
}

func (s *shop) Charge(_ context.Context, amount int) (string, error) {
	if amount < 0 {
		return "", infinitic.NonRetryable(errors.New("negative amount"))
	}
	if s.charges.Add(1)%2 == 1 {
		return "", errors.New("bank busy") // every other attempt fails: one retry
	}
	return fmt.Sprint("charged ", amount), nil
}

func (s *shop) Ship(ctx context.Context, item string) (string, error) {
	if s.gate != nil {
		s.entered <- struct{}{}
		<-s.gate
	}
	return "shipped " + item, nil
}

type Order interface {
	Place(ctx workflow.Context, amount int) (string, error)
}

type Shipping interface {
	Send(ctx workflow.Context, item string) (string, error)
}

type order struct{}

func (order) Place(ctx workflow.Context, amount int) (string, error) {
	r, err := workflow.Call(ctx, Shop.Reserve, "book")
	if err != nil {
		return "", err
	}
	if _, err := workflow.Timer(ctx, time.Millisecond).Await(ctx); err != nil {
		return "", err
	}
	s, err := workflow.CallChild(ctx, Shipping.Send, "book")
	if err != nil {
		return "", err
	}
	c, err := workflow.Call(ctx, Shop.Charge, amount)
	if err != nil {
		return "", err
	}
	return r + ", " + s + ", " + c, nil
}

type shipping struct{}

func (shipping) Send(ctx workflow.Context, item string) (string, error) {
	return workflow.Call(ctx, Shop.Ship, item)
}

// telemetry is what a test collects: spans and metrics.
type telemetry struct {
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
	mp     *sdkmetric.MeterProvider
}

func newTelemetry(t *testing.T) *telemetry {
	tel := &telemetry{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	tel.tp = sdktrace.NewTracerProvider(sdktrace.WithSyncer(tel.spans), sdktrace.WithIDGenerator(otelinfinitic.IDGenerator()))
	tel.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(tel.reader))
	t.Cleanup(func() { _ = tel.tp.Shutdown(context.Background()); _ = tel.mp.Shutdown(context.Background()) })
	return tel
}

// interceptor returns a new interceptor (one per simulated process).
func (tel *telemetry) interceptor(t *testing.T) *otelinfinitic.Interceptor {
	o, err := otelinfinitic.New(otelinfinitic.Config{TracerProvider: tel.tp, MeterProvider: tel.mp})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// run runs a worker until the test ends or stop is called.
func run(t *testing.T, w *worker.Worker) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(stop)
	return stop
}

type deployment struct {
	tr     *memory.Transport
	st     *memstore.Store
	client *client.Client
}

// deploy starts a services worker and returns the transport, store and a
// client, each process with its own interceptor.
func deploy(t *testing.T, tel *telemetry, impl *shop) *deployment {
	d := &deployment{tr: memory.New(), st: memstore.New()}
	t.Cleanup(func() { _ = d.tr.Close() })
	quiet := slog.New(slog.DiscardHandler)
	o := tel.interceptor(t)
	services, err := worker.New(worker.Config{Transport: o.Transport(d.tr), Logger: quiet, Interceptors: []interceptor.Interceptor{o}})
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.AddService[Shop](services, impl, worker.WithRetry(infinitic.RetryPolicy{MaxRetries: 3, MinDelay: time.Millisecond, MaxDelay: time.Millisecond})); err != nil {
		t.Fatal(err)
	}
	run(t, services)
	c, err := client.New(context.Background(), client.Config{Transport: d.tr, Logger: quiet, Interceptors: []interceptor.Interceptor{tel.interceptor(t)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	d.client = c
	return d
}

// engines starts a worker running the workflows.
func (d *deployment) engines(t *testing.T, tel *telemetry) (stop func()) {
	o := tel.interceptor(t)
	w, err := worker.New(worker.Config{Transport: o.Transport(d.tr), Store: d.st, Logger: slog.New(slog.DiscardHandler),
		Interceptors: []interceptor.Interceptor{o}})
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(worker.AddWorkflow(w, func() Order { return order{} }), worker.AddWorkflow(w, func() Shipping { return shipping{} })); err != nil {
		t.Fatal(err)
	}
	return run(t, w)
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// tree renders the spans of one trace as an indented tree of names,
// children sorted by start time, with what is wrong: spans in several
// traces, emitted twice, or whose parent is missing (other than the
// root's).
func tree(spans tracetest.SpanStubs) (string, []string) {
	var problems []string
	byID := map[trace.SpanID]tracetest.SpanStub{}
	children := map[trace.SpanID][]tracetest.SpanStub{}
	var roots []tracetest.SpanStub
	for _, s := range spans {
		if s.SpanContext.TraceID() != spans[0].SpanContext.TraceID() {
			problems = append(problems, fmt.Sprintf("span %q is in trace %s, not %s", s.Name, s.SpanContext.TraceID(), spans[0].SpanContext.TraceID()))
		}
		if _, dup := byID[s.SpanContext.SpanID()]; dup {
			problems = append(problems, fmt.Sprintf("span %q emitted twice", s.Name))
		}
		byID[s.SpanContext.SpanID()] = s
	}
	for _, s := range spans {
		if _, ok := byID[s.Parent.SpanID()]; ok {
			children[s.Parent.SpanID()] = append(children[s.Parent.SpanID()], s)
		} else {
			roots = append(roots, s)
		}
	}
	if len(roots) != 1 {
		problems = append(problems, fmt.Sprintf("%d roots, want 1", len(roots)))
	}
	var b strings.Builder
	var walk func(s tracetest.SpanStub, depth int)
	walk = func(s tracetest.SpanStub, depth int) {
		fmt.Fprintf(&b, "%s%s\n", strings.Repeat("  ", depth), s.Name)
		kids := children[s.SpanContext.SpanID()]
		sort.SliceStable(kids, func(i, j int) bool { return kids[i].StartTime.Before(kids[j].StartTime) })
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return b.String(), problems
}

// waitTree waits until the spans form the trace want (a task attempt's
// span ends after its outcome is published: the workflow may end first),
// and returns them.
func waitTree(t *testing.T, tel *telemetry, want string) tracetest.SpanStubs {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		spans := tel.spans.GetSpans()
		got, problems := tree(spans)
		if got == want && len(problems) == 0 {
			return spans
		}
		if time.Now().After(deadline) {
			t.Fatalf("trace:\n%s\nwant:\n%s\n%s", got, want, strings.Join(problems, "\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// One trace per workflow: the client's start, the run, its steps, their
// tasks (each attempt), the timer and the child workflow with its own
// steps and task.
func TestTraceOfAWorkflow(t *testing.T) {
	ctx := testCtx(t)
	tel := newTelemetry(t)
	d := deploy(t, tel, &shop{})
	d.engines(t, tel)
	got, err := client.Execute(ctx, d.client, Order.Place, 7)
	if err != nil || got != "reserved book, shipped book, charged 7" {
		t.Fatalf("got %q, %v", got, err)
	}
	want := `start Order.Place
  workflow Order.Place
    step Order.Place
      task Shop.Reserve
    step Order.Place
      timer
    step Order.Place
      workflow Shipping.Send
        step Shipping.Send
          task Shop.Ship
        step Shipping.Send
    step Order.Place
      task Shop.Charge
      task Shop.Charge
    step Order.Place
`
	waitTree(t, tel, want)
}

// A worker stopped while a task runs, and another started: the steps of
// the new worker rebuild the instance from its history and emit no span
// for what the history replays; the trace is whole.
func TestTraceAcrossAWorkerRestart(t *testing.T) {
	ctx := testCtx(t)
	tel := newTelemetry(t)
	impl := &shop{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	d := deploy(t, tel, impl)
	stop := d.engines(t, tel)
	run, err := client.Start(ctx, d.client, Shipping.Send, "pen")
	if err != nil {
		t.Fatal(err)
	}
	<-impl.entered
	stop() // the first engine is gone; the task still runs
	d.engines(t, tel)
	close(impl.gate)
	if got, err := run.Await(ctx); err != nil || got != "shipped pen" {
		t.Fatalf("got %q, %v", got, err)
	}
	want := `start Shipping.Send
  workflow Shipping.Send
    step Shipping.Send
      task Shop.Ship
    step Shipping.Send
`
	var steps []tracetest.SpanStub
	for _, s := range waitTree(t, tel, want) {
		if s.Name == "step Shipping.Send" {
			steps = append(steps, s)
		}
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].StartTime.Before(steps[j].StartTime) })
	if !slices.Contains(steps[1].Attributes, attribute.Bool("infinitic.step.replayed", true)) {
		t.Errorf("the step after the restart does not say it replayed the instance: %v", steps[1].Attributes)
	}
}

// A run of known workflows gives the expected counts.
func TestMetrics(t *testing.T) {
	ctx := testCtx(t)
	tel := newTelemetry(t)
	d := deploy(t, tel, &shop{})
	d.engines(t, tel)
	for range 3 {
		if _, err := client.Execute(ctx, d.client, Order.Place, 7); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := client.Execute(ctx, d.client, Order.Place, -1); err == nil {
		t.Fatal("want a failure")
	}
	// A task's metrics are recorded once its outcome is published: the
	// workflow may end first. Collect until the counts are there.
	wantSums := map[string]int64{
		"infinitic.workflow.started{Order}":             4,
		"infinitic.workflow.started{Shipping}":          4,
		"infinitic.workflow.ended{Order,completed}":     3,
		"infinitic.workflow.ended{Order,failed}":        1,
		"infinitic.workflow.ended{Shipping,completed}":  4,
		"infinitic.task.attempts{Shop,Reserve,success}": 4,
		"infinitic.task.attempts{Shop,Charge,retry}":    3,
		"infinitic.task.attempts{Shop,Charge,success}":  3,
		"infinitic.task.attempts{Shop,Charge,failure}":  1,
		"infinitic.task.attempts{Shop,Ship,success}":    4,
		"infinitic.client.requests{ok,start,Order}":     4,
	}
	wantCounts := map[string]uint64{
		"infinitic.workflow.duration{Order,completed}":           3,
		"infinitic.task.duration{Shop,Charge,retry}":             3,
		"infinitic.task.schedule_to_start.duration{Shop,Charge}": 7,
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		sums, counts := collect(t, tel)
		var diffs []string
		for key, want := range wantSums {
			if sums[key] != want {
				diffs = append(diffs, fmt.Sprintf("%s = %d, want %d", key, sums[key], want))
			}
		}
		for key, want := range wantCounts {
			if counts[key] != want {
				diffs = append(diffs, fmt.Sprintf("%s has %d measures, want %d", key, counts[key], want))
			}
		}
		if len(diffs) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s\nsums: %v\nhistograms: %v", strings.Join(diffs, "\n"), sums, counts)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// collect reads the metrics: the sums of counters and the number of
// measures of histograms, by name and attribute values.
func collect(t *testing.T, tel *telemetry) (sums map[string]int64, counts map[string]uint64) {
	var rm metricdata.ResourceMetrics
	if err := tel.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	sums, counts = map[string]int64{}, map[string]uint64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch data := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range data.DataPoints {
					sums[m.Name+label(p.Attributes)] += p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range data.DataPoints {
					counts[m.Name+label(p.Attributes)] += p.Count
				}
			}
		}
	}
	return sums, counts
}

// label renders attribute values in key order: {v1,v2}.
func label(set attribute.Set) string {
	var vals []string
	for _, kv := range set.ToSlice() {
		vals = append(vals, kv.Value.String())
	}
	return "{" + strings.Join(vals, ",") + "}"
}
