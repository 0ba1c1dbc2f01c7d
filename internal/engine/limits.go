package engine

import (
	"errors"
	"fmt"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
)

// What workflow code asks for is checked against the limits before it is
// recorded: a command over a limit fails the instance at once, with an
// error naming the limit, instead of making messages or a state that the
// broker or the store refuse forever.

// checkRequest returns the limit a new command of st breaks, if any.
func checkRequest(req replay.Request) error {
	what := fmt.Sprintf("%s %s.%s at position %d", req.Command.Kind, req.Service, req.Method, req.Position)
	var errs []error
	if req.ChildID != "" {
		errs = append(errs, wire.CheckID("id of the target of "+what, req.ChildID, wire.MaxWireIDLength))
	}
	if req.Command.Kind == wire.CommandChild || req.Command.Kind == wire.CommandSignalWithStart {
		errs = append(errs, wire.CheckTags(req.Tags))
	}
	errs = append(errs,
		wire.CheckPayload("input of "+what, req.Input),
		wire.CheckPayload("start input of "+what, req.StartInput),
		wire.CheckPayload("result of "+what, req.Command.Output))
	return errors.Join(errs...)
}

// checkOutput fails an output over the payload limit.
func checkOutput(st *wire.State, method string, output []byte, err error) ([]byte, error) {
	if err == nil {
		err = wire.CheckPayload(fmt.Sprintf("output of %s.%s", st.Workflow, method), output)
	}
	if err != nil {
		return nil, err
	}
	return output, nil
}

// maxValueSize is the store's limit on a value (0: none).
func (e *WorkflowEngine) maxValueSize() int {
	if l, ok := e.Store.(store.Limited); ok {
		return l.MaxValueSize()
	}
	return 0
}

// checkStateSize refuses an encoded state (or chunk) the store would not
// take.
func (e *WorkflowEngine) checkStateSize(st *wire.State, what string, data []byte) error {
	if max := e.maxValueSize(); max > 0 && len(data) > max {
		return &infinitic.LimitError{Limit: "MaxStateSize", What: fmt.Sprintf("%s of %s %s", what, st.Workflow, st.ID), Size: len(data), Max: max}
	}
	return nil
}

// checkOutbox refuses a message of the step that the transport would not
// take.
func (e *WorkflowEngine) checkOutbox(st *wire.State) error {
	l, ok := e.Transport.(transport.Limited)
	if !ok {
		return nil
	}
	for _, m := range st.Outbox {
		if max := l.MaxMessageSize(); max > 0 && len(m.Data) > max {
			return &infinitic.LimitError{Limit: "MaxMessageSize", What: fmt.Sprintf("message %s of %s %s", m.Subject, st.Workflow, st.ID), Size: len(m.Data), Max: max}
		}
	}
	return nil
}

// failTooLarge fails a running instance whose state grew over the store's
// limit, or whose step made a message over the transport's. Its history
// and the messages of this step (what made it too large) are dropped: the
// failed instance keeps only its error, and cannot be retried.
func (e *WorkflowEngine) failTooLarge(in *instance, err error) {
	st := in.state
	e.logger.Error("workflow failed: its state is too large for the store", "workflow", st.Workflow, "id", st.ID, "err", err)
	in.dropChunks = st.Sealed / wire.ChunkSize
	st.Tail, st.Sealed, st.Commands, st.Outbox = nil, 0, 0, nil
	st.Events, in.events = in.eventsBase, nil // the step's events are dropped with it
	in.storedTail = 0
	e.finish(in, nil, err)
	st.Tail, st.Sealed = nil, 0
	e.outboxEvents(in)
}

// permanent tells whether processing a message failed for a reason that
// retrying cannot fix: such a message goes to the dead letters.
func permanent(err error) bool {
	return errors.Is(err, ErrCorruptState) || errors.Is(err, infinitic.ErrLimitExceeded) || errors.Is(err, transport.ErrInvalidMessage)
}

// answerCorrupt tells the callers waiting on env that its instance is
// corrupt (cause), since env goes to the dead letters unapplied.
func answerCorrupt(env *wire.Envelope, cause *wire.Error) []wire.Outgoing {
	answer := func(client, run, request string) wire.Outgoing {
		id := wire.AnswerID(env.WorkflowID, run, client, request)
		return outgoing(wire.ResultMessage(env.Workflow, env.WorkflowID, client, id, &wire.Result{Error: cause, Run: run}))
	}
	reply := func(client, request string) []wire.Outgoing {
		if client == "" {
			return nil
		}
		return []wire.Outgoing{outgoing(wire.ReplyMessage(client, request, nil, cause))}
	}
	switch {
	case env.Wait != nil:
		return []wire.Outgoing{answer(env.Wait.Client, "", env.Wait.Request)}
	case env.Dispatch != nil:
		var out []wire.Outgoing
		if d := env.Dispatch; d.Waiter != "" {
			out = append(out, answer(d.Waiter, d.Run, d.Request))
		}
		if p := env.Dispatch.Parent; p != nil {
			out = append(out, outgoing(wire.CompletedMessage(*p, nil, cause)))
		}
		return out
	case env.Signal != nil:
		return reply(env.Signal.ReplyTo, env.Signal.ID)
	case env.Cancel != nil:
		return reply(env.Cancel.ReplyTo, env.Cancel.ID)
	case env.Admin != nil:
		return reply(env.Admin.ReplyTo, env.Admin.ID)
	case env.Query != nil:
		return reply(env.Query.ReplyTo, env.Query.ID)
	}
	return nil
}

// unapplied is the result of messages that could not be applied because
// loading their instance failed with err. When the instance is corrupt,
// the messages go to the dead letters, and the callers waiting on them
// are told so first (they would wait forever).
func unapplied(items []item, err error) stepResult {
	if !errors.Is(err, ErrCorruptState) {
		return stepResult{err: err}
	}
	cause := wire.FromError(err)
	var out []wire.Outgoing
	for _, it := range items {
		out = append(out, answerCorrupt(it.env, cause)...)
	}
	return stepResult{err: err, out: out}
}
