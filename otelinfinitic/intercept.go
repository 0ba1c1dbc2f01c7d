package otelinfinitic

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/interceptor"
	"github.com/infinitic-go/infinitic/store"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// InterceptCall traces a client request (a producer span whose context
// the request carries) and counts it.
func (o *Interceptor) InterceptCall(ctx context.Context, c *interceptor.Call, next interceptor.Next) error {
	target := c.Workflow
	if c.Method != "" {
		target += "." + c.Method
	}
	ctx, span := o.tracer.Start(ctx, c.Op+" "+target, trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(keyOp.String(c.Op), keyWorkflow.String(c.Workflow), keyWorkflowID.String(c.ID)))
	defer span.End()
	o.propagator.Inject(ctx, c.Headers)
	err := next(ctx)
	setStatus(span, err)
	o.m.requests.Add(ctx, 1, metric.WithAttributes(keyOp.String(c.Op), keyWorkflow.String(c.Workflow), outcome(err)))
	return err
}

// InterceptTask traces a task attempt (a consumer span, child of the
// step that asked for the task) and measures it.
func (o *Interceptor) InterceptTask(ctx context.Context, t *interceptor.Task, next interceptor.Next) error {
	start := time.Now()
	ctx, span := o.tracer.Start(o.propagator.Extract(ctx, t.Headers), "task "+t.Service+"."+t.Method,
		trace.WithSpanKind(trace.SpanKindConsumer), trace.WithTimestamp(start),
		trace.WithAttributes(keyService.String(t.Service), keyTaskMethod.String(t.Method), keyTaskID.String(t.ID),
			keyAttempt.Int(t.Attempt), keyDelivery.Int(t.Delivery), keyWorkflow.String(t.Workflow), keyWorkflowID.String(t.WorkflowID)))
	defer span.End()
	o.propagator.Inject(ctx, t.Headers) // the outcome links back to the attempt
	task := metric.WithAttributes(keyService.String(t.Service), keyTaskMethod.String(t.Method))
	if !t.Scheduled.IsZero() {
		o.m.scheduleToStart.Record(ctx, max(start.Sub(t.Scheduled), 0).Seconds(), task)
	}
	if t.Delivery > 1 {
		o.m.taskRedeliveries.Add(ctx, 1, task)
	}
	err := next(ctx)
	result := "success"
	switch {
	case err != nil && t.Retry:
		result = "retry"
		span.SetAttributes(keyRetryDelay.Float64(t.RetryDelay.Seconds()))
	case err != nil:
		result = "failure"
	}
	span.SetAttributes(keyTaskOutcome.String(result))
	setStatus(span, err)
	by := metric.WithAttributes(keyService.String(t.Service), keyTaskMethod.String(t.Method), keyTaskOutcome.String(result))
	o.m.attempts.Add(ctx, 1, by)
	o.m.taskDuration.Record(ctx, time.Since(start).Seconds(), by)
	return err
}

// InterceptStep traces a workflow step (a child of the run span), the
// timers it saw fire, and the run span when the step ends the instance;
// it measures them.
func (o *Interceptor) InterceptStep(ctx context.Context, s *interceptor.Step, next interceptor.Next) error {
	start := time.Now()
	originCtx := o.propagator.Extract(ctx, s.Origin)
	origin := trace.SpanContextFromContext(originCtx)
	run := runSpan(origin, s.Workflow, s.ID)
	var links []trace.Link
	kinds := make([]string, len(s.Messages))
	for i, m := range s.Messages {
		kinds[i] = m.Kind
		if sc := trace.SpanContextFromContext(o.propagator.Extract(ctx, m.Headers)); sc.IsValid() && !sc.Equal(origin) {
			links = append(links, trace.Link{SpanContext: sc})
		}
	}
	ctx, span := o.tracer.Start(trace.ContextWithRemoteSpanContext(ctx, run), "step "+s.Workflow,
		trace.WithSpanKind(trace.SpanKindConsumer), trace.WithTimestamp(start), trace.WithLinks(links...),
		trace.WithAttributes(keyWorkflow.String(s.Workflow), keyWorkflowID.String(s.ID), keyMessages.StringSlice(kinds)))
	defer span.End()
	o.propagator.Inject(ctx, s.Headers)
	err := next(ctx)
	now := time.Now()
	if s.Method != "" {
		span.SetName("step " + s.Workflow + "." + s.Method)
	}
	span.SetAttributes(keyWorkflowMethod.String(s.Method), keyStatus.String(s.Status), keyReplayed.Bool(s.Replayed), keyIssued.Int(len(s.Issued)))
	setStatus(span, err)
	wf := keyWorkflow.String(s.Workflow)
	o.m.stepDuration.Record(ctx, now.Sub(start).Seconds(), metric.WithAttributes(wf))
	o.m.stepMessages.Record(ctx, int64(len(s.Messages)), metric.WithAttributes(wf))
	if errors.Is(err, store.ErrConflict) {
		o.m.conflicts.Add(ctx, 1, metric.WithAttributes(wf))
	}
	if err != nil {
		return err
	}
	if !s.New {
		o.m.cacheLookups.Add(ctx, 1, metric.WithAttributes(wf, keyCacheHit.Bool(s.Cached)))
	}
	if s.Replayed {
		o.m.replays.Add(ctx, 1, metric.WithAttributes(wf))
	}
	for _, r := range s.Resolved {
		if r.Kind == "timer" {
			_, timer := o.tracer.Start(o.propagator.Extract(ctx, r.Headers), "timer", trace.WithTimestamp(r.Issued),
				trace.WithAttributes(wf, keyWorkflowID.String(s.ID), keyTimerDue.String(r.Due.UTC().Format(time.RFC3339Nano))))
			timer.End(trace.WithTimestamp(now))
		}
	}
	if s.New {
		o.m.started.Add(ctx, 1, metric.WithAttributes(wf))
	}
	if s.Finished {
		o.ended(originCtx, s, run, now)
	}
	return nil
}

// ended emits the run span of an instance that ended at now, and
// measures it.
func (o *Interceptor) ended(originCtx context.Context, s *interceptor.Step, run trace.SpanContext, now time.Time) {
	parent := originCtx
	if !trace.SpanContextFromContext(originCtx).IsValid() {
		parent = trace.ContextWithSpanContext(originCtx, trace.SpanContext{}) // a root, in the derived trace
	}
	_, span := o.tracer.Start(withWanted(parent, run), "workflow "+s.Workflow+"."+s.Method, trace.WithTimestamp(s.Started),
		trace.WithAttributes(keyWorkflow.String(s.Workflow), keyWorkflowID.String(s.ID), keyWorkflowMethod.String(s.Method), keyStatus.String(s.Status)))
	if s.Status != "completed" {
		span.SetStatus(codes.Error, "workflow "+s.Status)
	}
	span.End(trace.WithTimestamp(now))
	by := metric.WithAttributes(keyWorkflow.String(s.Workflow), keyStatus.String(s.Status))
	o.m.ended.Add(originCtx, 1, by)
	o.m.runDuration.Record(originCtx, now.Sub(s.Started).Seconds(), by)
}

// setStatus records err on span.
func setStatus(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, firstLine(err.Error()))
	}
}

func outcome(err error) attribute.KeyValue {
	if err != nil {
		return keyOutcome.String("error")
	}
	return keyOutcome.String("ok")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
