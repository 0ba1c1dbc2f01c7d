package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/errsafe"
	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
)

// instance is a workflow instance loaded in an engine: its stored head, the
// version it was read at, and the live runtime positioned at the end of its
// history. Only one goroutine touches an instance at a time.
type instance struct {
	id      string
	state   *wire.State // nil: nothing stored yet
	version store.Version
	stored  []byte // the stored bytes of version (for the cache's cold tier)
	rt      *replay.Runtime
	// storedTail is how many Tail records are in the stored version: only
	// those may be sealed into chunks (see save).
	storedTail int
	changed    bool
	direct     []wire.Outgoing // replies that need no state change
	dropChunks int             // chunks to delete after a successful save
	replayed   bool            // the runtime was rebuilt from history, not yet drained
	retry      *wire.Admin     // a retry to carry out (it needs the whole history)
	addTags    []string        // tags to index before saving
	dropTags   []string        // tags to unindex after saving
	expired    bool            // a finished instance to delete (retention)
}

// apply applies one envelope at time now.
func (e *WorkflowEngine) apply(in *instance, env *wire.Envelope, now time.Time) {
	switch env.Kind {
	case wire.KindDispatch:
		e.applyDispatch(in, env, now)
	case wire.KindAdmin:
		e.applyAdmin(in, env.Admin, now)
	case wire.KindCompleted:
		e.applyCompleted(in, env, now)
	case wire.KindWait:
		e.applyWait(in, env.Wait.Client, now)
	case wire.KindQuery:
		e.applyQuery(in, env.Query)
	case wire.KindSignal, wire.KindCancel:
		if in.state == nil || in.state.Status == 0 {
			e.buffer(in, env) // the dispatch may still be on its way
			return
		}
		if env.Signal != nil {
			e.applySignal(in, env.Signal, now)
		} else {
			e.applyCancel(in, env.Cancel)
		}
	default:
		e.logger.Warn("workflow engine ignores message", "kind", env.Kind, "workflow", e.contract.Name, "id", in.id)
	}
}

func (e *WorkflowEngine) applyDispatch(in *instance, env *wire.Envelope, now time.Time) {
	d := env.Dispatch
	if d.Run != "" {
		e.applyMethodRun(in, env, now)
		return
	}
	if in.state != nil && in.state.Status != 0 {
		// Already dispatched: a duplicate, or a second caller to join.
		if d.Waiter != "" {
			e.applyWait(in, d.Waiter, now)
		}
		if d.Parent != nil && in.state.Status != wire.StatusRunning {
			// A retried parent asks again for the outcome of its child: a
			// new message, not a duplicate of the first answer.
			msg := completedMessage(*d.Parent, in.state.Output, in.state.Error)
			msg.ID += fmt.Sprintf(":again:%d", now.UnixNano())
			in.direct = append(in.direct, msg)
		}
		return
	}
	buffered := []*wire.Envelope(nil)
	if in.state != nil {
		buffered = in.state.Buffered
	}
	in.state = &wire.State{
		ID: in.id, Workflow: e.contract.Name, Method: d.Method, Tags: d.Tags, Meta: d.Meta,
		Parent: d.Parent, Status: wire.StatusRunning, Version: e.cfg.Newest(),
	}
	in.addTags = append(in.addTags, d.Tags...)
	if d.Waiter != "" {
		in.state.Waiters = []string{d.Waiter}
	}
	in.changed = true
	start := &wire.Event{At: now, Method: d.Method, Input: d.Input, Position: -1}
	in.state.Tail = append(in.state.Tail, wire.Record{Event: start})
	rt, err := e.newRuntime(in.state, nil)
	if err != nil {
		e.finish(in, nil, err)
		return
	}
	in.rt = rt
	rt.Start(start)
	e.drain(in, now)
	for _, b := range buffered {
		e.apply(in, b, now)
	}
}

func (e *WorkflowEngine) applyCompleted(in *instance, env *wire.Envelope, now time.Time) {
	c := env.Completed
	switch {
	case in.state == nil || in.state.Status == 0 || (in.rt != nil && c.Position >= in.rt.Issued()):
		e.buffer(in, env) // too early: the command is not stored yet
		return
	case in.state.Status != wire.StatusRunning || in.rt == nil || !in.rt.Expects(c.Position, c.Gen):
		return // finished, or a duplicate
	}
	ev := &wire.Event{At: now, Position: c.Position, Output: c.Output, Error: c.Error}
	in.state.Tail = append(in.state.Tail, wire.Record{Event: ev})
	in.changed = true
	in.rt.Apply(ev)
	e.drain(in, now)
}

func (e *WorkflowEngine) applyWait(in *instance, client string, now time.Time) {
	switch {
	case in.state == nil || in.state.Status == 0:
		in.direct = append(in.direct, resultMessage(in.id, e.contract.Name, client, lateTag(now), &wire.Result{Unknown: true}))
	case in.state.Status == wire.StatusRunning:
		if !slices.Contains(in.state.Waiters, client) {
			in.state.Waiters = append(in.state.Waiters, client)
			in.changed = true
		}
	default:
		in.direct = append(in.direct, resultMessage(in.id, e.contract.Name, client, lateTag(now), &wire.Result{Output: in.state.Output, Error: in.state.Error}))
	}
}

func (e *WorkflowEngine) applySignal(in *instance, s *wire.Signal, now time.Time) {
	refused := e.refusal(in)
	switch {
	case refused != nil:
	case slices.Contains(in.state.Applied, s.ID):
		// A duplicate: already applied, confirm again.
	default:
		ev := &wire.Event{At: now, Position: wire.SignalPosition, Signal: s}
		in.state.Tail = append(in.state.Tail, wire.Record{Event: ev})
		e.remember(in.state, s.ID)
		in.changed = true
		in.rt.Signal(ev)
		e.drain(in, now)
	}
	if refused != nil {
		e.logger.Warn("signal refused", "id", in.id, "channel", s.Channel, "err", refused)
	}
	if s.ReplyTo != "" {
		in.direct = append(in.direct, replyMessage(s.ReplyTo, s.ID, refused))
	}
}

func (e *WorkflowEngine) applyCancel(in *instance, c *wire.Cancel) {
	refused := e.refusal(in)
	if refused == nil {
		st := in.state
		for _, p := range in.rt.Pending() {
			switch p.Command.Kind {
			case wire.CommandChild:
				child, _, _ := strings.Cut(p.Command.Target, ".")
				st.Outbox = append(st.Outbox, cancelMessage(child, replay.ChildID(st.ID, p.Position), "parent canceled"))
			case wire.CommandTask:
				st.Outbox = append(st.Outbox, cancelTaskMessage(st, p))
			}
		}
		reason := c.Reason
		if reason == "" {
			reason = "canceled by request"
		}
		e.finish(in, nil, &infinitic.CanceledError{Workflow: st.Workflow, ID: st.ID, Reason: reason})
		st.Status = wire.StatusCanceled
	}
	if c.ReplyTo != "" {
		in.direct = append(in.direct, replyMessage(c.ReplyTo, c.ID, refused))
	}
}

// refusal tells why a request cannot apply to the instance (nil if running).
func (e *WorkflowEngine) refusal(in *instance) error {
	switch {
	case in.state == nil || in.state.Status == 0:
		return fmt.Errorf("%w: %s %s", infinitic.ErrWorkflowUnknown, e.contract.Name, in.id)
	case in.state.Status != wire.StatusRunning:
		return fmt.Errorf("%w: %s %s", infinitic.ErrWorkflowFinished, e.contract.Name, in.id)
	}
	return nil
}

// cancelTaskMessage tells the executors of a task's service that the task
// was canceled: the one running it cancels the attempt's context.
func cancelTaskMessage(st *wire.State, p replay.PendingCommand) wire.Outgoing {
	service, _, _ := strings.Cut(p.Command.Target, ".")
	taskID := wire.TaskID(st.Workflow, st.ID, p.Position, p.Command.Gen)
	env := &wire.Envelope{Kind: wire.KindCancel, WorkflowID: st.ID, Workflow: st.Workflow, Cancel: &wire.Cancel{ID: "kt:" + taskID, TaskID: taskID}}
	return outgoing("kt:"+taskID, transport.CancelSubject(service), st.ID, env, time.Time{})
}

func cancelMessage(workflow, id, reason string) wire.Outgoing {
	env := &wire.Envelope{Kind: wire.KindCancel, WorkflowID: id, Workflow: workflow, Cancel: &wire.Cancel{ID: "k:" + id, Reason: reason}}
	return outgoing("k:"+id, transport.WorkflowSubject(workflow), id, env, time.Time{})
}

// buffer keeps an early message in the state until it can be applied.
func (e *WorkflowEngine) buffer(in *instance, env *wire.Envelope) {
	if in.state == nil {
		in.state = &wire.State{ID: in.id, Workflow: e.contract.Name}
	}
	for _, b := range in.state.Buffered {
		if sameMessage(b, env) {
			return
		}
	}
	in.state.Buffered = append(in.state.Buffered, env)
	in.changed = true
}

// sameMessage tells whether two buffered envelopes are copies.
func sameMessage(a, b *wire.Envelope) bool {
	switch {
	case a.Kind != b.Kind:
		return false
	case a.Completed != nil:
		return a.Completed.Position == b.Completed.Position
	case a.Signal != nil:
		return a.Signal.ID == b.Signal.ID
	case a.Cancel != nil:
		return a.Cancel.ID == b.Cancel.ID
	case a.Dispatch != nil:
		return a.Dispatch.Run == b.Dispatch.Run
	}
	return false
}

// drain turns what the runtime did into records and outgoing messages.
func (e *WorkflowEngine) drain(in *instance, now time.Time) {
	st := in.state
	for _, req := range in.rt.TakeRequests() {
		cmd := req.Command
		st.Tail = append(st.Tail, wire.Record{Command: &cmd})
		st.Commands++
		if msg, ok := e.commandMessage(st, req); ok {
			st.Outbox = append(st.Outbox, msg)
		}
	}
	if err := in.rt.Failure(); err != nil {
		e.logger.Error("workflow failed: code does not match its history", "workflow", st.Workflow, "id", st.ID, "err", err)
		e.finish(in, nil, err)
		return
	}
	for _, r := range in.rt.TakeFinishedRuns() {
		e.finishRun(in, r.Run, r.Output, r.Err)
	}
	if done, out, err := in.rt.Outcome(); done {
		e.finish(in, out, err)
		return
	}
	// Early messages may now be applicable.
	if len(st.Buffered) > 0 {
		pending := st.Buffered
		st.Buffered = nil
		for _, b := range pending {
			if b.Completed != nil && b.Completed.Position >= in.rt.Issued() {
				st.Buffered = append(st.Buffered, b)
				continue
			}
			e.apply(in, b, now)
		}
	}
}

// finish ends the instance and notifies waiters and parent.
func (e *WorkflowEngine) finish(in *instance, output []byte, err error) {
	st := in.state
	st.Status, st.Output = wire.StatusCompleted, output
	if err != nil {
		st.Status = wire.StatusFailed
		st.Error = wire.FromError(&infinitic.WorkflowFailedError{Workflow: st.Workflow, ID: st.ID, Method: st.Method, Cause: err})
	}
	for _, w := range st.Waiters {
		st.Outbox = append(st.Outbox, resultMessage(st.ID, st.Workflow, w, fmt.Sprint(st.Generation), &wire.Result{Output: st.Output, Error: st.Error}))
	}
	if p := st.Parent; p != nil {
		st.Outbox = append(st.Outbox, completedMessage(*p, st.Output, st.Error))
	}
	for _, r := range slices.Clone(st.Runs) {
		e.finishRun(in, r.Run, nil, fmt.Errorf("%w: the main method ended first", infinitic.ErrWorkflowFinished))
	}
	in.dropTags = append(in.dropTags, st.Tags...)
	if e.cfg.Retention > 0 {
		st.Outbox = append(st.Outbox, expireMessage(st.Workflow, st.ID, e.Clock.Now().Add(e.cfg.Retention)))
	}
	st.Buffered, st.Waiters = nil, nil
	if err == nil || errsafe.Is(err, infinitic.ErrCanceled) {
		// The history is no longer needed: keep only the outcome. A failed
		// instance keeps it, to be retried (RetryTasks, RetryWorkflowTask).
		in.dropChunks = st.Sealed / wire.ChunkSize
		st.Tail, st.Sealed = nil, 0
	}
	in.changed = true
	if in.rt != nil {
		in.rt.Close()
		in.rt = nil
	}
}

// commandMessage is the message that carries out a new command.
func (e *WorkflowEngine) commandMessage(st *wire.State, req replay.Request) (wire.Outgoing, bool) {
	parent := wire.ParentRef{WorkflowID: st.ID, Workflow: st.Workflow, Position: req.Position, Gen: req.Command.Gen}
	switch req.Command.Kind {
	case wire.CommandTask:
		taskID := wire.TaskID(st.Workflow, st.ID, req.Position, req.Command.Gen)
		env := &wire.Envelope{Kind: wire.KindExecute, WorkflowID: st.ID, Workflow: st.Workflow, Execute: &wire.Execute{
			TaskID: taskID, Service: req.Service, Method: req.Method, Input: req.Input, Attempt: 1, Parent: parent, Meta: req.Meta,
			BatchKey: req.BatchKey,
		}}
		return outgoing(executeID(taskID, 1), transport.ServiceSubject(req.Service), st.ID, env, time.Time{}), true
	case wire.CommandTimer:
		at, _ := req.At.MarshalText()
		return completedAt(parent, at, req.At), true
	case wire.CommandChild:
		env := &wire.Envelope{Kind: wire.KindDispatch, WorkflowID: req.ChildID, Workflow: req.Service, Dispatch: &wire.Dispatch{
			Method: req.Method, Input: req.Input, Tags: req.Tags, Meta: req.Meta, Parent: &parent,
		}}
		return outgoing("d:"+req.ChildID, transport.WorkflowSubject(req.Service), req.ChildID, env, time.Time{}), true
	case wire.CommandCancel:
		switch {
		case req.ChildID != "":
			return cancelMessage(req.Service, req.ChildID, "canceled by parent"), true
		case req.Canceled != nil && req.Canceled.Command.Kind == wire.CommandTask:
			return cancelTaskMessage(st, *req.Canceled), true
		}
		return wire.Outgoing{}, false // a timer: its outcome will be ignored
	case wire.CommandSend:
		sig := &wire.Signal{ID: fmt.Sprintf("%s:%d", st.ID, req.Position), Channel: req.Method, Payload: req.Input}
		env := &wire.Envelope{Kind: wire.KindSignal, WorkflowID: req.ChildID, Workflow: req.Service, Signal: sig}
		return outgoing("g:"+sig.ID, transport.WorkflowSubject(req.Service), req.ChildID, env, time.Time{}), true
	}
	return wire.Outgoing{}, false // inline, receive: nothing to send
}

// replyMessage answers a client's request.
func replyMessage(client, request string, err error) wire.Outgoing {
	return replyOutput(client, request, nil, err)
}

// replyOutput answers a client's request with an output.
func replyOutput(client, request string, output []byte, err error) wire.Outgoing {
	env := &wire.Envelope{Kind: wire.KindReply, Reply: &wire.Reply{Request: request, Output: output, Error: wire.FromError(err)}}
	return outgoing("y:"+request, transport.ClientSubject(client), request, env, time.Time{})
}

func executeID(taskID string, attempt int) string { return fmt.Sprintf("x:%s:%d", taskID, attempt) }

// completedMessage resolves the position p of a workflow.
func completedMessage(p wire.ParentRef, output []byte, err *wire.Error) wire.Outgoing {
	env := &wire.Envelope{Kind: wire.KindCompleted, WorkflowID: p.WorkflowID, Workflow: p.Workflow,
		Completed: &wire.Completed{Position: p.Position, Output: output, Error: err, Gen: p.Gen}}
	return outgoing(fmt.Sprintf("c:%s:%d:%d", p.WorkflowID, p.Position, p.Gen), transport.WorkflowSubject(p.Workflow), p.WorkflowID, env, time.Time{})
}

// completedAt is a timer: a completion delivered at instant at.
func completedAt(p wire.ParentRef, output []byte, at time.Time) wire.Outgoing {
	m := completedMessage(p, output, nil)
	m.DeliverAt = at
	return m
}

// lateTag marks the answer to a Wait for an instance already ended.
func lateTag(now time.Time) string { return fmt.Sprintf("late%d", now.UnixNano()) }

// resultMessage tells client how the instance (or one of its method runs)
// ended; tag tells apart the answers that are not duplicates of each other
// (one per generation of the instance, one per late Wait).
func resultMessage(wfID, workflow, client, tag string, r *wire.Result) wire.Outgoing {
	env := &wire.Envelope{Kind: wire.KindResult, WorkflowID: wfID, Workflow: workflow, Result: r}
	return outgoing(fmt.Sprintf("r:%s:%s:%s:%s", wfID, r.Run, client, tag), transport.ClientSubject(client), wfID, env, time.Time{})
}

func outgoing(id, subject, key string, env *wire.Envelope, at time.Time) wire.Outgoing {
	data, err := wire.Marshal(env)
	if err != nil {
		panic(fmt.Sprintf("engine: encode envelope: %v", err)) // only plain data: cannot fail
	}
	return wire.Outgoing{ID: id, Subject: subject, Key: key, Data: data, DeliverAt: at}
}
