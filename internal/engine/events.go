package engine

import (
	"time"

	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Events of the event stream (see wire/events.go). The engine numbers the
// events of an instance (State.Events) and keeps those of a step in
// in.events; outboxEvents puts them in the outbox before the state is
// saved, so that they are published exactly when the step is.

// event records an event of type typ about the instance at time at.
func (e *WorkflowEngine) event(in *instance, typ string, at time.Time, data wire.EventData) {
	if !e.cfg.Events {
		return
	}
	st := in.state
	st.Events++
	data.WorkflowName, data.WorkflowID = st.Workflow, st.ID
	in.events = append(in.events, wire.CloudEvent{
		SpecVersion: wire.EventSpecVersion, ID: wire.EventID(st.Workflow, st.ID, st.Started, st.Events),
		Source: wire.WorkflowEventSource(st.Workflow), Type: typ, Subject: st.ID, Time: at.UTC(),
		DataContentType: wire.EventDataContentType, WorkflowName: st.Workflow, WorkflowID: st.ID, WorkflowSeq: st.Events,
		Data: data,
	})
}

// outboxEvents moves the step's events into the outbox, first: they are
// published before the messages they led to.
func (e *WorkflowEngine) outboxEvents(in *instance) {
	if len(in.events) == 0 {
		return
	}
	st := in.state
	msgs, err := wire.EventMessages(st.Workflow, st.ID, in.events)
	in.events = nil
	if err != nil {
		e.logger.Error("cannot encode events: left out", "id", st.ID, "err", err) // only plain data: cannot happen
		return
	}
	st.Outbox = append(msgs, st.Outbox...)
}

// commandEvent records the event of a new command of workflow code.
func (e *WorkflowEngine) commandEvent(in *instance, req replay.Request, now time.Time) {
	st := in.state
	pos := req.Position
	switch req.Command.Kind {
	case wire.CommandTask:
		d := wire.EventData{TaskID: wire.TaskID(st.Workflow, st.ID, pos, req.Command.Gen), ServiceName: req.Service,
			TaskName: req.Method, Position: &pos, Meta: req.Meta, RetrySequence: st.Generation}
		d.EventPayload("input", req.Input)
		e.event(in, wire.EventTaskDispatched, now, d)
	case wire.CommandTimer:
		due := req.At.UTC()
		e.event(in, wire.EventTimerDispatched, now, wire.EventData{Position: &pos, Due: &due})
	case wire.CommandChild:
		d := wire.EventData{ChildName: req.Service, ChildID: req.ChildID, MethodName: req.Method, Position: &pos, Tags: req.Tags, Meta: req.Meta}
		d.EventPayload("input", req.Input)
		e.event(in, wire.EventChildDispatched, now, d)
	}
}

// outcomeEvent records the event of a resolved position of kind cmd:
// timers and child workflows (the executors report tasks).
func (e *WorkflowEngine) outcomeEvent(in *instance, p replay.PendingCommand, ev *wire.Event) {
	pos := ev.Position
	switch p.Command.Kind {
	case wire.CommandTimer:
		e.event(in, wire.EventTimerCompleted, ev.At, wire.EventData{Position: &pos})
	case wire.CommandChild:
		d := wire.EventData{ChildName: p.Request.Service, ChildID: p.Request.ChildID, MethodName: p.Request.Method, Position: &pos}
		typ := wire.EventChildCompleted
		if ev.Error != nil {
			typ, d.Error = wire.EventChildFailed, wire.NewEventError(ev.Error)
		} else {
			d.EventPayload("result", ev.Output)
		}
		e.event(in, typ, ev.At, d)
	}
}

// endEvent records how the instance ended: completed, failed or
// canceled.
func (e *WorkflowEngine) endEvent(in *instance, canceled string) {
	st := in.state
	d := wire.EventData{MethodName: st.Method}
	typ := wire.EventWorkflowCompleted
	switch {
	case canceled != "":
		typ, d.Reason = wire.EventWorkflowCanceled, canceled
	case st.Error != nil:
		typ, d.Error = wire.EventWorkflowFailed, wire.NewEventError(st.Error)
	default:
		d.EventPayload("result", st.Output)
	}
	e.event(in, typ, st.Ended, d)
}
