package engine

import (
	"context"
	"time"

	"github.com/infinitic-go/infinitic/internal/wire"
)

// Task events: the executor publishes infinitic.task.started when an
// attempt starts (without waiting), and the attempt's outcome event with
// what follows it (the task's outcome or its next attempt), in one
// publication where the event goes first. The outcome waits for the
// started event, publishing it again if it failed, so that a task's
// events are logged in order. Ids derive from the execute message's id
// (which names the task and the attempt): a redelivered attempt's events
// are duplicates.

// taskEvent is the event message of type typ about the attempt of it.
func (x *Executor) taskEvent(it item, typ string, data wire.EventData) wire.Outgoing {
	ex := it.env.Execute
	data.WorkflowName, data.WorkflowID = ex.Parent.Workflow, ex.Parent.WorkflowID
	data.TaskID, data.ServiceName, data.TaskName = ex.TaskID, ex.Service, ex.Method
	data.Attempt, data.RetrySequence, data.Meta = ex.Attempt, ex.Generation, ex.Meta
	ev := wire.CloudEvent{
		SpecVersion: wire.EventSpecVersion, ID: wire.TaskEventID(it.d.Message().ID, typ),
		Source: wire.TaskEventSource(ex.Service), Type: typ, Subject: ex.TaskID, Time: x.Clock.Now().UTC(),
		DataContentType: wire.EventDataContentType, WorkflowName: ex.Parent.Workflow, WorkflowID: ex.Parent.WorkflowID,
		Data: data,
	}
	msgs, err := wire.EventMessages(ex.Parent.Workflow, ex.Parent.WorkflowID, []wire.CloudEvent{ev})
	if err != nil {
		panic("engine: encode event: " + err.Error()) // only plain data: cannot fail
	}
	return msgs[0]
}

// started publishes the started event of it's attempt, without waiting:
// the channel returned gets the outcome (nil without events).
func (x *Executor) started(ctx context.Context, it item) <-chan error {
	if !x.cfg.Events {
		return nil
	}
	d := wire.EventData{}
	d.EventPayload("input", it.env.Execute.Input)
	return x.pub.send(ctx, x.taskEvent(it, wire.EventTaskStarted, d))
}

// outcomeEvents returns the events to publish before msgs, the
// outcome of it's attempt: its started event again if that failed, then
// the outcome event of type typ.
func (x *Executor) outcomeEvents(it item, typ string, out []byte, runErr error, delay time.Duration) []wire.Outgoing {
	if !x.cfg.Events {
		return nil
	}
	var msgs []wire.Outgoing
	if it.started != nil {
		if err := <-it.started; err != nil {
			d := wire.EventData{}
			d.EventPayload("input", it.env.Execute.Input)
			msgs = append(msgs, x.taskEvent(it, wire.EventTaskStarted, d))
		}
	}
	d := wire.EventData{Error: wire.NewEventError(wire.FromError(runErr))}
	if runErr == nil {
		d.EventPayload("result", out)
	}
	if delay > 0 {
		d.RetryDelay = delay.Milliseconds()
	}
	return append(msgs, x.taskEvent(it, typ, d))
}
