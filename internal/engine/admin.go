package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic/internal/customid"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// applyAdmin carries out an operation on the instance.
func (e *WorkflowEngine) applyAdmin(in *instance, a *wire.Admin, now time.Time) {
	var err error
	switch a.Op {
	case wire.AdminCompleteTimers:
		if err = e.refusal(in); err == nil {
			e.completeTimers(in, now)
		}
	case wire.AdminRetryTasks, wire.AdminRetryWorkflow:
		in.retry = a // carried out by process, with the whole history
		return
	case wire.AdminTimeout:
		e.applyTimeout(in, a.Deadline)
	case wire.AdminExpire:
		// A finished instance at the end of its retention, or an entry of
		// early messages for an instance that never started.
		if in.state != nil && in.state.Status != wire.StatusRunning {
			in.expired = true
		}
	default:
		err = fmt.Errorf("unknown operation %q", a.Op)
	}
	if a.ReplyTo != "" {
		in.direct = append(in.direct, replyMessage(a.ReplyTo, a.ID, err))
	}
}

// completeTimers fires every pending timer now, as if its time had come;
// the timer's own message, when it arrives, is then a duplicate.
func (e *WorkflowEngine) completeTimers(in *instance, now time.Time) {
	at, _ := now.MarshalText()
	for _, p := range in.rt.Pending() {
		if p.Command.Kind != wire.CommandTimer || in.state.Status != wire.StatusRunning {
			continue
		}
		ev := &wire.Event{At: now, Position: p.Position, Output: at}
		in.state.Tail = append(in.state.Tail, wire.Record{Event: ev})
		in.changed = true
		e.outcomeEvent(in, p, ev)
		in.rt.Apply(ev)
		e.drain(in, now)
	}
}

// deleteExpired deletes a finished instance at the end of its retention.
// Its custom id is released first: a custom id naming an instance with no
// state would look like an instance about to start, and be joined.
func (e *WorkflowEngine) deleteExpired(ctx context.Context, in *instance) error {
	st := in.state
	if cid, ok := wire.CustomIDOf(st.Tags); ok {
		if err := customid.Release(ctx, e.Store, st.Workflow, cid, st.ID); err != nil {
			return err
		}
	}
	return e.Store.Delete(ctx, wire.StateKey(st.Workflow, st.ID), in.version)
}
