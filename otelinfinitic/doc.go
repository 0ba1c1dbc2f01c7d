// Package otelinfinitic traces and measures infinitic with OpenTelemetry.
//
// New returns an interceptor (package interceptor) to give to the clients
// and the workers:
//
//	o, err := otelinfinitic.New(otelinfinitic.Config{TracerProvider: tp, MeterProvider: mp})
//	c, err := client.New(ctx, client.Config{Transport: tr, Interceptors: []interceptor.Interceptor{o}})
//	w, err := worker.New(worker.Config{Transport: o.Transport(tr), Store: st, Interceptors: []interceptor.Interceptor{o}})
//
// # Traces
//
// One trace per workflow instance, across processes, retries and
// crashes: the W3C trace context travels in the headers of the messages.
//
//	start Greeter.Greet                (client, producer)
//	└─ workflow Greeter.Greet          (the whole run: emitted when it ends)
//	   ├─ step Greeter.Greet           (each step applying new messages)
//	   │  └─ task Hello.SayHello       (each attempt, in the service's worker)
//	   ├─ step Greeter.Greet
//	   │  ├─ timer                     (from the step that set it to the one it fired in)
//	   │  └─ workflow Child.Run        (a child workflow's run, and so on)
//	   └─ step Greeter.Greet
//
// A workflow's run outlives any process, so its span cannot be held open:
// its identifiers are derived from the instance (and the trace of the
// call that started it), its children name it as their parent from the
// first step on, and the span itself is emitted by the step that ends the
// instance, with the instance's start time. For the SDK to give the run
// span the derived identifier, build the TracerProvider with
// sdktrace.WithIDGenerator(otelinfinitic.IDGenerator()) (it draws random
// identifiers for every other span); without it, steps point to a run span
// that does not appear, and New logs a warning. Steps are emitted only for
// new work, never for a replay of the history: a step that rebuilt its
// instance says so (infinitic.step.replayed).
//
// # Metrics
//
// See docs/metrics.md for every instrument, with its unit and attributes.
// Transport wraps a transport to count fetched batches, redeliveries and
// dead letters.
package otelinfinitic
