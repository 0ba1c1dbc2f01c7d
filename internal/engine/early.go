package engine

import (
	"time"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// DefaultEarlyMessageLife bounds how long the engine keeps messages for an
// instance that has not started (its dispatch may still be on its way:
// the transport does not order messages). When it elapses and the
// instance still has not started, the messages are refused with
// infinitic.ErrInstanceNotFound (their senders get that error) and the
// entry holding them is deleted.
const DefaultEarlyMessageLife = time.Minute

// bufferEarly keeps env in the entry of an instance that has not started;
// the first one schedules the entry's expiry.
func (e *WorkflowEngine) bufferEarly(in *instance, env *wire.Envelope) {
	st := in.state
	if len(st.Buffered) == 0 {
		expire := wire.ExpireMessage(st.Workflow, st.ID, uuid.NewString(), e.Clock.Now().Add(e.cfg.EarlyMessageLife))
		st.Outbox = append(st.Outbox, outgoing(expire))
	}
	if fromClient := env.Signal != nil && env.Signal.ReplyTo != "" || env.Cancel != nil && env.Cancel.ReplyTo != ""; fromClient {
		// Usually a mistake (a wrong id, a channel declared for another
		// workflow), which the sender learns only when the life elapses.
		e.logger.Warn("a client sent to an instance that has not started: kept until it starts, "+
			"refused with ErrInstanceNotFound after the early message life; is the id right, and the channel's workflow?",
			"id", st.ID, "life", e.cfg.EarlyMessageLife)
	}
	st.Buffered = append(st.Buffered, env)
}

// refuseEarly answers the senders of the messages kept for an instance
// that never started, before the entry is deleted.
func (e *WorkflowEngine) refuseEarly(in *instance) {
	err := e.refusal(in)
	for _, b := range in.state.Buffered {
		switch {
		case b.Signal != nil && b.Signal.ReplyTo != "":
			in.direct = append(in.direct, replyMessage(b.Signal.ReplyTo, b.Signal.ID, err))
		case b.Cancel != nil && b.Cancel.ReplyTo != "":
			in.direct = append(in.direct, replyMessage(b.Cancel.ReplyTo, b.Cancel.ID, err))
		case b.Dispatch != nil:
			e.refuseRun(in, b.Dispatch, err)
		}
	}
	if len(in.state.Buffered) > 0 {
		e.logger.Warn("instance never started: early messages refused", "id", in.id, "messages", len(in.state.Buffered))
	}
}
