package engine

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/errsafe"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// An instance started with a timeout (wire.Dispatch.Timeout) is canceled
// when its deadline passes: a delayed timeout message, published when the
// deadline is set, carries it. A retry of a failed instance sets a new
// deadline (the same timeout counted from the retry), so the message of
// the old one, when it arrives, no longer matches and is ignored.

// setDeadline sets the deadline of an instance with a timeout, counted
// from now, and schedules its timeout message.
func (e *WorkflowEngine) setDeadline(st *wire.State, now time.Time) {
	if st.Timeout <= 0 {
		return
	}
	st.Deadline = now.Add(st.Timeout)
	st.Outbox = append(st.Outbox, outgoing(wire.TimeoutMessage(st.Workflow, st.ID, uuid.NewString(), st.Deadline)))
}

// applyTimeout cancels a running instance whose deadline is the one that
// passed, with an error matching infinitic.ErrWorkflowTimedOut.
func (e *WorkflowEngine) applyTimeout(in *instance, deadline time.Time) {
	st := in.state
	if st == nil || st.Status != wire.StatusRunning || !st.Deadline.Equal(deadline) {
		return // finished, retried since (a new deadline), or deleted
	}
	if in.rt != nil {
		if ce, ok := errsafe.As[*infinitic.CanceledError](in.rt.Canceled()); ok {
			// The grace period of a cancel that reached the code (interrupt).
			e.logger.Warn("canceled workflow still ran its cleanup at the end of its grace period: stopped", "id", st.ID)
			e.cancel(in, ce)
			return
		}
	}
	e.logger.Info("workflow timed out", "id", st.ID, "timeout", st.Timeout)
	e.cancel(in, &infinitic.CanceledError{Workflow: st.Workflow, ID: st.ID, TimedOut: true,
		Reason: fmt.Sprintf("timed out: its deadline (%v after its start) passed", st.Timeout)})
}
