package otelinfinitic

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"

	"go.opentelemetry.io/otel/trace"
)

// Generator gives the spans of workflow runs their derived identifiers,
// and random ones to every other span. Its methods are those of the SDK's
// sdktrace.IDGenerator.
type Generator struct{}

// IDGenerator returns the generator to give to
// sdktrace.WithIDGenerator.
func IDGenerator() Generator { return Generator{} }

type wantedKey struct{}

// withWanted asks the generator for the identifiers of sc.
func withWanted(ctx context.Context, sc trace.SpanContext) context.Context {
	return context.WithValue(ctx, wantedKey{}, sc)
}

// NewIDs returns a new trace and span id.
func (Generator) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	if sc, ok := ctx.Value(wantedKey{}).(trace.SpanContext); ok {
		return sc.TraceID(), sc.SpanID()
	}
	var tid trace.TraceID
	for !tid.IsValid() {
		binary.BigEndian.PutUint64(tid[:8], rand.Uint64())
		binary.BigEndian.PutUint64(tid[8:], rand.Uint64())
	}
	return tid, randomSpanID()
}

// NewSpanID returns a new span id in trace traceID.
func (Generator) NewSpanID(ctx context.Context, traceID trace.TraceID) trace.SpanID {
	if sc, ok := ctx.Value(wantedKey{}).(trace.SpanContext); ok && sc.TraceID() == traceID {
		return sc.SpanID()
	}
	return randomSpanID()
}

func randomSpanID() trace.SpanID {
	var sid trace.SpanID
	for !sid.IsValid() {
		binary.BigEndian.PutUint64(sid[:], rand.Uint64())
	}
	return sid
}

// runSpan is the span context of the run of instance id of workflow:
// in the trace of origin (if valid, else one derived from the instance),
// with a span id derived from the instance and the trace.
func runSpan(origin trace.SpanContext, workflow, id string) trace.SpanContext {
	h := sha256.New()
	h.Write([]byte(workflow))
	h.Write([]byte{0})
	h.Write([]byte(id))
	tid, flags := origin.TraceID(), origin.TraceFlags()
	if !tid.IsValid() {
		copy(tid[:], h.Sum(nil))
		flags = trace.FlagsSampled
	}
	h.Write(tid[:])
	var sid trace.SpanID
	copy(sid[:], h.Sum(nil)[16:])
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: flags, TraceState: origin.TraceState(), Remote: true})
}
