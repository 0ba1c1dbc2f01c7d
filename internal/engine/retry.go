package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/customid"
	"github.com/infinitic-go/infinitic/internal/errsafe"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// retryFailed carries out in.retry on a failed instance. RetryTasks cuts
// the history just before the first failed task (or the given one): the
// replayed code is back waiting for it. RetryWorkflowTask keeps the
// history and replays it with the current code (after a fix of a
// non-determinism or a panic). Either way the generation grows, commands
// still pending are asked again, and outcomes of commands that the cut
// dropped are ignored (they carry an older generation). A refusal is
// replied, not returned: only store errors are returned.
func (e *WorkflowEngine) retryFailed(ctx context.Context, in *instance, now time.Time) error {
	a := in.retry
	in.retry = nil
	refuse := func(err error) {
		if a.ReplyTo != "" {
			in.direct = append(in.direct, replyMessage(a.ReplyTo, a.ID, err))
		}
	}
	st := in.state
	switch {
	case st == nil || st.Status == 0:
		refuse(fmt.Errorf("%w: %s %s", infinitic.ErrInstanceNotFound, e.contract.Name, in.id))
		return nil
	case st.Status != wire.StatusFailed:
		refuse(fmt.Errorf("%w: %s %s", infinitic.ErrNotFailed, st.Workflow, st.ID))
		return nil
	}
	log, err := e.readLog(ctx, st)
	if err != nil {
		return err
	}
	if len(log) == 0 {
		refuse(fmt.Errorf("engine: %s %s kept no history (its state outgrew the store): it cannot be retried", st.Workflow, st.ID))
		return nil
	}
	var inputs []*wire.Event
	failedChild := -1 // the position of a failed child to retry with its parent
	if a.Op == wire.AdminRetryTasks {
		cut, child := failedStep(log, a)
		if cut < 0 {
			refuse(fmt.Errorf("%w: %s %s has no failed task to retry (task id %q, service %q)", infinitic.ErrNotFailed, st.Workflow, st.ID, a.TaskID, a.Service))
			return nil
		}
		if child {
			failedChild = log[cut].Event.Position
		}
		log, inputs = log[:cut], externalInputs(log[cut:])
	}
	if cid, ok := wire.CustomIDOf(st.Tags); ok {
		// At most one running instance per custom id: a newer instance
		// may have taken it since this one failed.
		owner, err := customid.Claim(ctx, e.Store, st.Workflow, cid, st.ID)
		if err != nil {
			return err
		}
		if owner != st.ID {
			refuse(fmt.Errorf("%w: %s %s: custom id %q is owned by running instance %s", infinitic.ErrCustomIDInUse, st.Workflow, st.ID, cid, owner))
			return nil
		}
	}
	in.dropChunks = st.Sealed / wire.ChunkSize
	st.Status, st.Output, st.Error, st.Ended = wire.StatusRunning, nil, nil, time.Time{}
	st.Generation++
	e.setDeadline(st, now) // the whole timeout again, from now
	st.Tail, st.Sealed, st.Commands = log, 0, 0
	for _, r := range log {
		if r.Command != nil {
			st.Commands++
		}
	}
	closeInstance(in)
	if err := e.replay(in, log); err != nil {
		return err
	}
	in.replayed = false
	in.changed = true
	in.storedTail = 0 // the stored tail is not a prefix of the new one: seal nothing now
	retried := wire.EventData{MethodName: st.Method, RetrySequence: st.Generation, TaskID: a.TaskID, ServiceName: a.Service}
	if a.Op == wire.AdminRetryTasks {
		e.event(in, wire.EventWorkflowRetried, now, retried)
	} else {
		e.event(in, wire.EventWorkflowReplayed, now, retried)
	}
	// Ask again for what the failed instance ignored meanwhile.
	for _, p := range in.rt.Pending() {
		if p.Position == failedChild {
			// Asked again, the failed child would answer its failure:
			// retry its tasks instead; its new outcome comes to p.
			st.Outbox = append(st.Outbox, outgoing(wire.ChildRetryMessage(p.Request.Service, p.Request.ChildID, st.Generation)))
			continue
		}
		if m, ok := e.commandMessage(st, p.Request, now); ok {
			m.ID = wire.RetryID(m.ID, st.Generation)
			st.Outbox = append(st.Outbox, in.outgoing(m))
			e.commandEvent(in, p.Request, now)
		}
	}
	e.drain(in, now)
	// What came from outside after the cut was acknowledged to its
	// senders: it goes back into the history, after the cut.
	for _, ev := range inputs {
		if st.Status != wire.StatusRunning {
			break
		}
		st.Tail = append(st.Tail, wire.Record{Event: ev})
		if ev.Signal != nil {
			in.rt.Signal(ev)
		} else {
			st.Runs = append(st.Runs, wire.MethodRun{Run: ev.Run, Method: ev.Method})
			in.rt.Start(ev)
		}
		e.drain(in, now)
	}
	// Running again: back in the tag index (finishing removed it).
	in.addTags = append(in.addTags, st.Tags...)
	refuse(nil)
	return nil
}

// externalInputs returns the events of records that came from outside
// the instance: signals (acknowledged to their senders) and method runs
// started in parallel. Other events are outcomes of commands, which the
// retried code issues again.
func externalInputs(records []wire.Record) []*wire.Event {
	var out []*wire.Event
	for _, r := range records {
		if ev := r.Event; ev != nil && (ev.Signal != nil || (ev.IsStart() && ev.Run != "")) {
			out = append(out, ev)
		}
	}
	return out
}

// failedStep returns the index in log of the first failed task event that
// a selects (its task id and service, when set), or -1. Without selection,
// a child workflow that failed (not canceled) counts too (child is then
// true): the parent's retry retries the child's tasks.
func failedStep(log []wire.Record, a *wire.Admin) (index int, child bool) {
	var kinds []wire.CommandKind // by position
	for i, r := range log {
		if r.Command != nil {
			kinds = append(kinds, r.Command.Kind)
			continue
		}
		ev := r.Event
		if ev == nil || ev.Position < 0 || ev.Error == nil {
			continue
		}
		switch {
		case ev.Error.Kind == wire.ErrorTask:
			if (a.TaskID == "" || ev.Error.TaskID == a.TaskID) && (a.Service == "" || ev.Error.Service == a.Service) {
				return i, false
			}
		case a.TaskID == "" && a.Service == "" && ev.Error.Kind == wire.ErrorWorkflow &&
			ev.Position < len(kinds) && kinds[ev.Position] == wire.CommandChild &&
			!errsafe.Is(wire.ToError(ev.Error), infinitic.ErrCanceled):
			return i, true
		}
	}
	return -1, false
}
