package otelinfinitic

import (
	"context"
	"errors"
	"log/slog"

	"github.com/infinitic-go/infinitic/interceptor"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/infinitic-go/infinitic/otelinfinitic"

// Config configures the interceptor.
type Config struct {
	// TracerProvider makes the spans. Default: otel.GetTracerProvider().
	// Build it with sdktrace.WithIDGenerator(IDGenerator()).
	TracerProvider trace.TracerProvider
	// MeterProvider makes the instruments. Default:
	// otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
	// Propagator writes and reads the trace context in message headers.
	// Default: propagation.TraceContext{} (W3C traceparent, tracestate).
	Propagator propagation.TextMapPropagator
	// Logger receives the warning about a TracerProvider without the
	// IDGenerator. Default: slog.Default().
	Logger *slog.Logger
}

// Interceptor traces and measures client requests, task attempts and
// workflow steps. It is safe for concurrent use.
type Interceptor struct {
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	meter      metric.Meter
	m          *instruments
}

var _ interceptor.Interceptor = (*Interceptor)(nil)

// New returns an interceptor with its instruments.
func New(cfg Config) (*Interceptor, error) {
	if cfg.TracerProvider == nil {
		cfg.TracerProvider = otel.GetTracerProvider()
	}
	if cfg.MeterProvider == nil {
		cfg.MeterProvider = otel.GetMeterProvider()
	}
	if cfg.Propagator == nil {
		cfg.Propagator = propagation.TraceContext{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	meter := cfg.MeterProvider.Meter(ScopeName)
	m, err := newInstruments(meter)
	if err != nil {
		return nil, errors.Join(errors.New("otelinfinitic: instruments"), err)
	}
	o := &Interceptor{tracer: cfg.TracerProvider.Tracer(ScopeName), propagator: cfg.Propagator, meter: meter, m: m}
	if !o.derivesIDs() {
		cfg.Logger.Warn("otelinfinitic: the TracerProvider does not use otelinfinitic.IDGenerator(): workflow run spans will not be the parents of their steps")
	}
	return o, nil
}

// derivesIDs tells whether the tracer gives a span the identifier asked
// for (IDGenerator), or makes no spans (a no-op provider). The probe's
// parent is not sampled: it is exported only by a sampler that ignores
// the parent's decision.
func (o *Interceptor) derivesIDs() bool {
	probe := runSpan(trace.SpanContext{}, "otelinfinitic", "probe")
	parent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: probe.TraceID(), SpanID: probe.SpanID(), Remote: true})
	want := runSpan(parent, "otelinfinitic", "probe-child")
	ctx := withWanted(trace.ContextWithRemoteSpanContext(context.Background(), parent), want)
	_, span := o.tracer.Start(ctx, "otelinfinitic.probe")
	defer span.End()
	got := span.SpanContext().SpanID()
	return got == want.SpanID() || got == parent.SpanID() || !got.IsValid()
}
