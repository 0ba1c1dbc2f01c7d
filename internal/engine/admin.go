package engine

import (
	"fmt"
	"time"

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
	case wire.AdminExpire:
		if in.state != nil && in.state.Status != 0 && in.state.Status != wire.StatusRunning {
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
		in.rt.Apply(ev)
		e.drain(in, now)
	}
}
