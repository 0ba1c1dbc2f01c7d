package otelinfinitic

import (
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Attribute keys of spans and metrics.
const (
	keyWorkflow       = attribute.Key("infinitic.workflow.name")
	keyWorkflowID     = attribute.Key("infinitic.workflow.id")
	keyWorkflowMethod = attribute.Key("infinitic.workflow.method")
	keyStatus         = attribute.Key("infinitic.workflow.status")
	keyOp             = attribute.Key("infinitic.request.op")
	keyOutcome        = attribute.Key("infinitic.outcome")
	keyService        = attribute.Key("infinitic.service.name")
	keyTaskMethod     = attribute.Key("infinitic.task.method")
	keyTaskID         = attribute.Key("infinitic.task.id")
	keyAttempt        = attribute.Key("infinitic.task.attempt")
	keyDelivery       = attribute.Key("infinitic.task.delivery")
	keyTaskOutcome    = attribute.Key("infinitic.task.outcome")
	keyRetryDelay     = attribute.Key("infinitic.task.retry_delay")
	keyCacheHit       = attribute.Key("infinitic.cache.hit")
	keyMessages       = attribute.Key("infinitic.step.messages")
	keyReplayed       = attribute.Key("infinitic.step.replayed")
	keyIssued         = attribute.Key("infinitic.step.issued")
	keyTimerDue       = attribute.Key("infinitic.timer.due")
	keyDestination    = attribute.Key("messaging.destination.name")
)

// Bucket boundaries: seconds from a millisecond to an hour; counts.
var (
	secondBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}
	countBuckets  = []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}
)

// instruments are the metrics of docs/metrics.md.
type instruments struct {
	requests                                         metric.Int64Counter
	started, ended, conflicts, cacheLookups, replays metric.Int64Counter
	runDuration, stepDuration                        metric.Float64Histogram
	stepMessages                                     metric.Int64Histogram
	attempts, taskRedeliveries                       metric.Int64Counter
	taskDuration, scheduleToStart                    metric.Float64Histogram
	fetched                                          metric.Int64Histogram
	redeliveries, deadLetters, published             metric.Int64Counter
	pending, inFlight, deadLettersKept               metric.Int64ObservableGauge
}

func newInstruments(m metric.Meter) (*instruments, error) {
	var errs []error
	counter := func(name, unit, desc string) metric.Int64Counter {
		c, err := m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs = append(errs, err)
		return c
	}
	seconds := func(name, desc string) metric.Float64Histogram {
		h, err := m.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc), metric.WithExplicitBucketBoundaries(secondBuckets...))
		errs = append(errs, err)
		return h
	}
	count := func(name, unit, desc string) metric.Int64Histogram {
		h, err := m.Int64Histogram(name, metric.WithUnit(unit), metric.WithDescription(desc), metric.WithExplicitBucketBoundaries(countBuckets...))
		errs = append(errs, err)
		return h
	}
	gauge := func(name, unit, desc string) metric.Int64ObservableGauge {
		g, err := m.Int64ObservableGauge(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs = append(errs, err)
		return g
	}
	in := &instruments{
		requests:         counter("infinitic.client.requests", "{request}", "Requests sent by clients"),
		started:          counter("infinitic.workflow.started", "{workflow}", "Workflow instances started"),
		ended:            counter("infinitic.workflow.ended", "{workflow}", "Workflow instances ended, by status (completed, failed, canceled)"),
		runDuration:      seconds("infinitic.workflow.duration", "Duration of workflow instances, from start to end"),
		stepDuration:     seconds("infinitic.workflow.step.duration", "Duration of workflow steps: applying new messages to an instance and saving it"),
		stepMessages:     count("infinitic.workflow.step.messages", "{message}", "Messages applied by one workflow step (the engine's batching)"),
		conflicts:        counter("infinitic.workflow.step.conflicts", "{conflict}", "Workflow steps that lost a compare-and-set write to another engine and were applied again"),
		cacheLookups:     counter("infinitic.workflow.cache.lookups", "{lookup}", "Instances looked up in the engine's cache, by hit"),
		replays:          counter("infinitic.workflow.replays", "{replay}", "Instances rebuilt by replaying their history (not in the cache)"),
		attempts:         counter("infinitic.task.attempts", "{attempt}", "Task attempts, by outcome (success, retry, failure)"),
		taskDuration:     seconds("infinitic.task.duration", "Duration of task attempts"),
		scheduleToStart:  seconds("infinitic.task.schedule_to_start.duration", "Time from a task attempt's scheduled start to its start (queue lag)"),
		taskRedeliveries: counter("infinitic.task.redeliveries", "{delivery}", "Task attempts delivered again by the transport (after a crash or an unacknowledged delivery)"),
		fetched:          count("infinitic.messaging.fetch.size", "{message}", "Messages per fetched batch"),
		redeliveries:     counter("infinitic.messaging.redeliveries", "{message}", "Messages fetched again after an earlier delivery"),
		deadLetters:      counter("infinitic.messaging.dead_letters", "{message}", "Messages moved to the dead letters"),
		published:        counter("infinitic.messaging.published", "{message}", "Messages published"),
		pending:          gauge("infinitic.messaging.pending", "{message}", "Messages waiting for a delivery, delayed ones included (ObserveTransport)"),
		inFlight:         gauge("infinitic.messaging.in_flight", "{message}", "Messages delivered and not settled yet (ObserveTransport)"),
		deadLettersKept:  gauge("infinitic.messaging.dead_letters.kept", "{message}", "Dead letters kept by the transport (ObserveTransport)"),
	}
	return in, errors.Join(errs...)
}
