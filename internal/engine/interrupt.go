package engine

import (
	"time"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/errsafe"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// A cancel of an instance whose code called workflow.HandleCancel is not
// the end of it: the engine records the cancel as an event of its history
// (position wire.CancelPosition) and delivers it to the runtime, which
// settles what the code waited for as canceled (the tasks and child
// workflows are told, as for any cancel) and lets detached code run its
// cleanup (a Saga's compensations). When the main method returns, the
// instance ends as canceled. The cleanup is bounded: the deadline of the
// instance becomes the end of the grace period the code gave (if sooner),
// and when it passes the instance is canceled at once, as without
// HandleCancel.

// interrupt delivers cancel err to the code of a running instance.
func (e *WorkflowEngine) interrupt(in *instance, err *infinitic.CanceledError, now time.Time) {
	st := in.state
	if in.rt.Canceled() != nil {
		return // already delivered: the code is cleaning up
	}
	ev := &wire.Event{At: now, Position: wire.CancelPosition, Error: wire.FromError(err)}
	st.Tail = append(st.Tail, wire.Record{Event: ev})
	in.changed = true
	e.cancelPending(in)
	if end := now.Add(in.rt.CancelGrace()); st.Deadline.IsZero() || end.Before(st.Deadline) {
		st.Deadline = end
		st.Outbox = append(st.Outbox, outgoing(wire.TimeoutMessage(st.Workflow, st.ID, uuid.NewString(), end)))
	}
	in.rt.Interrupt(ev)
	e.drain(in, now)
}

// endInterrupted ends an instance whose code returned after a cancel
// reached it: canceled, with the code's error if it still says so (a
// SagaError whose cause is the cancel, with the compensations that
// failed), else with the cancel's.
func (e *WorkflowEngine) endInterrupted(in *instance, canceled, err error) {
	if err == nil || !errsafe.Is(err, infinitic.ErrCanceled) {
		if err != nil {
			e.logger.Warn("canceled workflow returned another error: it ends canceled", "id", in.id, "err", err)
		}
		err = canceled
	}
	e.finish(in, nil, err)
	in.state.Status = wire.StatusCanceled
}
