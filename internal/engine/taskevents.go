package engine

import (
	"context"
	"time"

	"github.com/infinitic-go/infinitic/internal/wire"
)

// Task events: an attempt's infinitic.task.started event, and its outcome
// event published with what follows it (the task's outcome or its next
// attempt), in one publication where the events go first. An attempt
// quicker than startedAlone (most of them) logs both events in one
// message; a longer one publishes task.started on its own when
// startedAlone has passed, so that the stream shows the running task,
// and its outcome waits for it, carrying it again if that failed, so that
// a task's events are logged in order. Ids derive from the execute
// message's id (which names the task and the attempt): a redelivered
// attempt's events are duplicates.

// startedAlone is how long an attempt runs before its task.started event
// is published on its own.
const startedAlone = 100 * time.Millisecond

// startedEvent is the task.started event of a running attempt.
type startedEvent struct {
	at    time.Time
	timer *time.Timer
	alone chan error // the outcome of its publication on its own, once the timer fired
	// settled and unlogged: whether the event still has to be published
	// (only the goroutine concluding the attempt reads them).
	settled, unlogged bool
}

// started records the start of it's attempt: the event goes on its own
// after startedAlone, unless the attempt concluded (nil without events).
func (x *Executor) started(ctx context.Context, it item) *startedEvent {
	if !x.cfg.Events {
		return nil
	}
	s := &startedEvent{at: x.Clock.Now(), alone: make(chan error, 1)}
	s.timer = time.AfterFunc(startedAlone, func() {
		s.alone <- x.pub.publish(ctx, x.taskEvents(it, x.startedEvent(it, s.at))...)
	})
	return s
}

// pending tells whether the started event of the attempt still has to
// be published: its timer had not fired yet (it will not now), or its
// publication on its own failed.
func (s *startedEvent) pending() bool {
	if s == nil {
		return false
	}
	if !s.settled {
		s.settled = true
		s.unlogged = s.timer.Stop() || <-s.alone != nil
	}
	return s.unlogged
}

// flushStarted publishes the started event of an attempt that ends
// without an outcome event (delegated, canceled), if it still has to be.
func (x *Executor) flushStarted(ctx context.Context, it item) {
	if it.started.pending() {
		_ = x.pub.publish(ctx, x.taskEvents(it, x.startedEvent(it, it.started.at))...) // best effort, as ever
	}
}

// startedEvent is the task.started event of it's attempt, started at at.
func (x *Executor) startedEvent(it item, at time.Time) wire.CloudEvent {
	d := wire.EventData{}
	d.EventPayload("input", it.env.Execute.Input)
	return x.taskEvent(it, wire.EventTaskStarted, at, d)
}

// taskEvent is the event of type typ about the attempt of it, at time at.
func (x *Executor) taskEvent(it item, typ string, at time.Time, data wire.EventData) wire.CloudEvent {
	ex := it.env.Execute
	data.WorkflowName, data.WorkflowID = ex.Parent.Workflow, ex.Parent.WorkflowID
	data.TaskID, data.ServiceName, data.TaskName = ex.TaskID, ex.Service, ex.Method
	data.Attempt, data.RetrySequence, data.Meta = ex.Attempt, ex.Generation, ex.Meta
	return wire.CloudEvent{
		SpecVersion: wire.EventSpecVersion, ID: wire.TaskEventID(it.d.Message().ID, typ),
		Source: wire.TaskEventSource(ex.Service), Type: typ, Subject: ex.TaskID, Time: at.UTC(),
		DataContentType: wire.EventDataContentType, WorkflowName: ex.Parent.Workflow, WorkflowID: ex.Parent.WorkflowID,
		Data: data,
	}
}

// taskEvents encodes events of it's attempt.
func (x *Executor) taskEvents(it item, events ...wire.CloudEvent) []wire.Outgoing {
	ex := it.env.Execute
	msgs, err := wire.TaskEventMessages(ex.Parent.Workflow, ex.Parent.WorkflowID, events)
	if err != nil {
		panic("engine: encode event: " + err.Error()) // only plain data: cannot fail
	}
	return msgs
}

// outcomeEvents returns the event messages to publish before msgs, the
// outcome of it's attempt: its started event if it still has to be
// published, then the outcome event of type typ.
func (x *Executor) outcomeEvents(it item, typ string, out []byte, runErr error, delay time.Duration) []wire.Outgoing {
	if !x.cfg.Events {
		return nil
	}
	var events []wire.CloudEvent
	if it.started.pending() {
		events = append(events, x.startedEvent(it, it.started.at))
	}
	d := wire.EventData{Error: wire.NewEventError(wire.FromError(runErr))}
	if runErr == nil {
		d.EventPayload("result", out)
	}
	if delay > 0 {
		d.RetryDelay = delay.Milliseconds()
	}
	return x.taskEvents(it, append(events, x.taskEvent(it, typ, x.Clock.Now(), d))...)
}
