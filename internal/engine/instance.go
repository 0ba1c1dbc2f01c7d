package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/interceptor"
	"github.com/infinitic-go/infinitic/internal/errsafe"
	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
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
	indexed    []string        // the instance index keys of the stored version
	// indexVersions are the versions of the keys of indexed that this
	// engine wrote (0: unknown), so that unindexing them needs no read.
	indexVersions []store.Version
	stale         []staleEntry // index entries to delete once the step is published
	continues     int          // runs continued as new in this step
	history       int          // history length when last checked (see checkHistory)
	// headers go with the messages of the current step; observed, when
	// interceptors watch the step, is told what it does.
	headers    map[string]string
	observed   *interceptor.Step
	events     []wire.CloudEvent // the step's events (see outboxEvents)
	eventsBase int               // State.Events before the step
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
		e.applyWait(in, env.Wait.Client, env.Wait.Request)
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
			e.applyCancel(in, env.Cancel, now)
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
	e.startOrJoin(in, env, now)
	if d.Signal != nil {
		e.applyStartSignal(in, d.Signal, now)
	}
}

// startOrJoin starts the instance of a dispatch, or joins the instance
// already dispatched.
func (e *WorkflowEngine) startOrJoin(in *instance, env *wire.Envelope, now time.Time) {
	d := env.Dispatch
	if in.state != nil && in.state.Status != 0 {
		// Already dispatched: a duplicate, or a second caller to join.
		if d.Waiter != "" {
			e.applyWait(in, d.Waiter, d.Request)
		}
		switch p := in.state.Parent; {
		case d.Parent == nil:
		case in.state.Status != wire.StatusRunning:
			// A retried parent asks again for the outcome of its child: a
			// new message, not a duplicate of the first answer.
			m := wire.CompletedMessage(*d.Parent, in.state.Output, in.state.Error)
			m.ID = wire.AgainID(*d.Parent, d.Request)
			in.direct = append(in.direct, outgoing(m))
		case p != nil && p.WorkflowID == d.Parent.WorkflowID && p.Position == d.Parent.Position && d.Parent.Gen > p.Gen:
			// A retried parent issued its child command again, in a new
			// generation: the outcome must carry it, or the parent ignores it.
			in.state.Parent = d.Parent
			in.changed = true
		}
		return
	}
	buffered := []*wire.Envelope(nil)
	if in.state != nil {
		buffered = in.state.Buffered
	}
	in.state = &wire.State{
		ID: in.id, Workflow: e.contract.Name, Method: d.Method, Tags: d.Tags, Meta: d.Meta,
		Parent: d.Parent, Status: wire.StatusRunning, Version: e.cfg.Newest(), Started: now, Headers: env.Headers,
		Timeout: d.Timeout,
	}
	e.setDeadline(in.state, now)
	in.addTags = append(in.addTags, d.Tags...)
	if d.Waiter != "" {
		in.state.Waiters = []string{d.Waiter}
	}
	in.changed = true
	dispatched := wire.EventData{MethodName: d.Method, Tags: d.Tags, Meta: d.Meta}
	dispatched.EventPayload("input", d.Input)
	if sig := d.Signal; sig != nil {
		dispatched.Channel, dispatched.SignalID = sig.Channel, sig.ID
	}
	if p := d.Parent; p != nil {
		dispatched.Parent = &wire.EventParent{WorkflowName: p.Workflow, WorkflowID: p.WorkflowID, Position: p.Position}
	}
	e.event(in, wire.EventWorkflowDispatched, now, dispatched)
	version := in.state.Version
	e.event(in, wire.EventWorkflowStarted, now, wire.EventData{MethodName: d.Method, WorkflowVersion: &version})
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
	in.observeResolved(env)
	ev := &wire.Event{At: now, Position: c.Position, Output: c.Output, Error: c.Error, Attempt: c.Attempt}
	in.state.Tail = append(in.state.Tail, wire.Record{Event: ev})
	in.changed = true
	if p, ok := in.rt.PendingAt(c.Position); ok {
		e.outcomeEvent(in, p, ev)
	}
	in.rt.Apply(ev)
	e.drain(in, now)
}

// applyWait adds client to the waiters of a running instance, or answers
// its request at once.
func (e *WorkflowEngine) applyWait(in *instance, client, request string) {
	answer := func(r *wire.Result) {
		id := wire.AnswerID(in.id, "", client, request)
		in.direct = append(in.direct, outgoing(wire.ResultMessage(e.contract.Name, in.id, client, id, r)))
	}
	switch {
	case in.state == nil || in.state.Status == 0:
		answer(&wire.Result{Unknown: true})
	case in.state.Status == wire.StatusRunning:
		if !slices.Contains(in.state.Waiters, client) {
			in.state.Waiters = append(in.state.Waiters, client)
			in.changed = true
		}
	default:
		answer(&wire.Result{Output: in.state.Output, Error: in.state.Error})
	}
}

func (e *WorkflowEngine) applySignal(in *instance, s *wire.Signal, now time.Time) {
	refused := e.signal(in, s, now)
	if s.ReplyTo != "" {
		in.direct = append(in.direct, replyMessage(s.ReplyTo, s.ID, refused))
	}
}

// signal applies s to a started instance, unless it is refused (the
// instance ended): the reason is returned.
func (e *WorkflowEngine) signal(in *instance, s *wire.Signal, now time.Time) error {
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
		d := wire.EventData{Channel: s.Channel, SignalID: s.ID}
		d.EventPayload("value", s.Payload)
		e.event(in, wire.EventSignalReceived, now, d)
		in.rt.Signal(ev)
		e.drain(in, now)
	}
	if refused != nil {
		e.logger.Warn("signal refused", "id", in.id, "channel", s.Channel, "err", refused)
	}
	return refused
}

func (e *WorkflowEngine) applyCancel(in *instance, c *wire.Cancel, now time.Time) {
	refused := e.refusal(in)
	if refused == nil {
		reason := c.Reason
		if reason == "" {
			reason = "canceled by request"
		}
		err := &infinitic.CanceledError{Workflow: in.state.Workflow, ID: in.state.ID, Reason: reason}
		if in.rt != nil && in.rt.CancelGrace() > 0 {
			e.interrupt(in, err, now) // the code handles it (HandleCancel)
		} else {
			e.cancel(in, err)
		}
	}
	if c.ReplyTo != "" {
		in.direct = append(in.direct, replyMessage(c.ReplyTo, c.ID, refused))
	}
}

// cancel ends a running instance with err, canceling its pending tasks
// and child workflows (which cascades).
func (e *WorkflowEngine) cancel(in *instance, err *infinitic.CanceledError) {
	st := in.state
	e.cancelPending(in)
	e.finish(in, nil, err)
	st.Status = wire.StatusCanceled
}

// cancelPending cancels what the running code waits for: its tasks (on
// their executors) and its child workflows, but detached ones.
func (e *WorkflowEngine) cancelPending(in *instance) {
	st := in.state
	for _, p := range in.rt.Pending() {
		switch p.Command.Kind {
		case wire.CommandChild:
			if p.Request.Detached {
				continue
			}
			child, _, _ := strings.Cut(p.Command.Target, ".")
			st.Outbox = append(st.Outbox, outgoing(wire.ChildCancelMessage(child, wire.ChildID(st.ID, st.Continued, p.Position), "parent canceled")))
		case wire.CommandTask:
			st.Outbox = append(st.Outbox, outgoing(cancelTaskMessage(st, p)))
		}
	}
}

// refusal tells why a request cannot apply to the instance (nil if running).
func (e *WorkflowEngine) refusal(in *instance) error {
	switch {
	case in.state == nil || in.state.Status == 0:
		return fmt.Errorf("%w: %s %s", infinitic.ErrInstanceNotFound, e.contract.Name, in.id)
	case in.state.Status != wire.StatusRunning:
		return fmt.Errorf("%w: %s %s", infinitic.ErrWorkflowFinished, e.contract.Name, in.id)
	}
	return nil
}

// cancelTaskMessage tells the executors of a task's service that the task
// was canceled: the one running it cancels the attempt's context.
func cancelTaskMessage(st *wire.State, p replay.PendingCommand) wire.Message {
	service, _, _ := strings.Cut(p.Command.Target, ".")
	taskID := wire.TaskID(st.Workflow, st.ID, p.Position, p.Command.Gen)
	return wire.CancelTaskMessage(st.Workflow, st.ID, service, taskID)
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
	if in.state.Status == 0 {
		e.bufferEarly(in, env)
	} else {
		in.state.Buffered = append(in.state.Buffered, env)
	}
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
	if s := in.rt.Search(); !maps.Equal(s, st.Search) {
		st.Search = maps.Clone(s)
	}
	for _, req := range in.rt.TakeRequests() {
		if err := checkRequest(req); err != nil {
			e.finish(in, nil, err)
			return
		}
		cmd := req.Command
		cmd.At = now
		if cmd.Kind == wire.CommandTimer {
			cmd.Due = req.At
		}
		st.Tail = append(st.Tail, wire.Record{Command: &cmd})
		st.Commands++
		in.observeIssued(cmd, req.Position)
		e.commandEvent(in, req, now)
		if m, ok := e.commandMessage(st, req, now); ok {
			st.Outbox = append(st.Outbox, in.outgoing(m))
		}
	}
	if err := in.rt.Failure(); err != nil {
		e.logger.Error("workflow failed: its code broke a rule of workflow code", "workflow", st.Workflow, "id", st.ID, "err", err)
		e.finish(in, nil, err)
		return
	}
	for _, r := range in.rt.TakeFinishedRuns() {
		method := r.Run
		if i := slices.IndexFunc(st.Runs, func(m wire.MethodRun) bool { return m.Run == r.Run }); i >= 0 {
			method = st.Runs[i].Method
		}
		out, err := checkOutput(st, method, r.Output, r.Err)
		if _, ok := continued(err); ok {
			err = fmt.Errorf("%w: %s.%s is a method run in parallel: only the main method can continue as new", infinitic.ErrInvalidContract, st.Workflow, method)
		}
		e.finishRun(in, r.Run, out, err)
	}
	if done, out, err := in.rt.Outcome(); done {
		if canceled := in.rt.Canceled(); canceled != nil {
			e.endInterrupted(in, canceled, err)
			return
		}
		if c, ok := continued(err); ok {
			e.continueAsNew(in, c, now)
			return
		}
		out, err = checkOutput(st, st.Method, out, err)
		e.finish(in, out, err)
		return
	}
	if err := e.checkHistory(in); err != nil {
		e.finish(in, nil, err)
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
	st.Status, st.Output, st.Ended = wire.StatusCompleted, output, e.Clock.Now()
	if err != nil {
		st.Status = wire.StatusFailed
		st.Error = wire.FromError(&infinitic.WorkflowFailedError{Workflow: st.Workflow, ID: st.ID, Method: st.Method, Cause: err})
	}
	for _, w := range st.Waiters {
		id := wire.ResultID(st.ID, "", w, st.Generation)
		st.Outbox = append(st.Outbox, outgoing(wire.ResultMessage(st.Workflow, st.ID, w, id, &wire.Result{Output: st.Output, Error: st.Error})))
	}
	if p := st.Parent; p != nil {
		st.Outbox = append(st.Outbox, in.outgoing(wire.ChildOutcomeMessage(*p, st.Generation, st.Output, st.Error)))
	}
	for _, r := range slices.Clone(st.Runs) {
		e.finishRun(in, r.Run, nil, fmt.Errorf("%w: the main method ended first", infinitic.ErrWorkflowFinished))
	}
	canceled := ""
	if ce, ok := errsafe.As[*infinitic.CanceledError](err); ok && ce.ID == st.ID && ce.Workflow == st.Workflow {
		canceled = ce.Reason
	}
	e.endEvent(in, canceled)
	in.dropTags = append(in.dropTags, st.Tags...)
	st.Buffered, st.Waiters = nil, nil
	if err == nil || errsafe.Is(err, infinitic.ErrCanceled) {
		// The history is no longer needed: keep only the outcome. A failed
		// instance keeps it, to be retried (RetryTasks, RetryWorkflowTask).
		in.dropChunks = st.Sealed / wire.ChunkSize
		st.Tail, st.Sealed = nil, 0
	}
	if e.cfg.Retention > 0 && !e.expiresByTTL(st) {
		expire := wire.ExpireMessage(st.Workflow, st.ID, uuid.NewString(), e.Clock.Now().Add(e.cfg.Retention))
		st.Outbox = append(st.Outbox, outgoing(expire))
	}
	in.changed = true
	if in.rt != nil {
		in.rt.Close()
		in.rt = nil
	}
}

// commandMessage is the message that carries out a new command.
func (e *WorkflowEngine) commandMessage(st *wire.State, req replay.Request, now time.Time) (wire.Message, bool) {
	parent := wire.ParentRef{WorkflowID: st.ID, Workflow: st.Workflow, Position: req.Position, Gen: req.Command.Gen}
	switch req.Command.Kind {
	case wire.CommandTask:
		m := wire.ExecuteMessage(&wire.Execute{
			TaskID: wire.TaskID(st.Workflow, st.ID, req.Position, req.Command.Gen), Service: req.Service, Method: req.Method,
			Input: req.Input, Attempt: 1, Parent: parent, Meta: req.Meta, BatchKey: req.BatchKey, Generation: st.Generation,
		}, time.Time{})
		m.Envelope.SentAt = now // for the schedule-to-start latency of interceptors
		return m, true
	case wire.CommandTimer:
		at, _ := req.At.MarshalText()
		timer := wire.CompletedMessage(parent, at, nil)
		timer.DeliverAt = req.At
		return timer, true
	case wire.CommandChild:
		return wire.ChildMessage(req.Service, req.ChildID, st.Generation, &wire.Dispatch{
			Method: req.Method, Input: req.Input, Tags: req.Tags, Meta: req.Meta, Parent: &parent, Timeout: req.Timeout,
		}), true
	case wire.CommandCancel:
		switch {
		case req.ChildID != "":
			return wire.ChildCancelMessage(req.Service, req.ChildID, "canceled by parent"), true
		case req.Canceled != nil && req.Canceled.Command.Kind == wire.CommandTask:
			return cancelTaskMessage(st, *req.Canceled), true
		}
		return wire.Message{}, false // a timer: its outcome will be ignored
	case wire.CommandSend:
		sig := &wire.Signal{ID: wire.SentSignalID(st.ID, st.Continued, req.Position), Channel: req.Method, Payload: req.Input}
		return wire.SignalMessage(req.Service, req.ChildID, sig), true
	case wire.CommandSignalWithStart:
		sig := &wire.Signal{ID: wire.SentSignalID(st.ID, st.Continued, req.Position), Channel: req.Method, Payload: req.Input}
		id := req.ChildID
		if id == "" { // by custom id: the engine of this id claims it (see routeSignalsWithStart)
			id = wire.StartedBySignalID(sig.ID)
		}
		return wire.SignalWithStartMessage(req.Service, id, &wire.Dispatch{Method: req.StartMethod, Input: req.StartInput,
			Tags: req.Tags, Meta: req.Meta, Timeout: req.Timeout, Request: sig.ID, Signal: sig}), true
	}
	return wire.Message{}, false // inline, receive: nothing to send
}

// replyMessage answers a client's request.
func replyMessage(client, request string, err error) wire.Outgoing {
	return outgoing(wire.ReplyMessage(client, request, nil, wire.FromError(err)))
}

// outgoing encodes m, sent by the current step of in, for the outbox.
func (in *instance) outgoing(m wire.Message) wire.Outgoing {
	m.Envelope.Headers = in.headers
	return outgoing(m)
}

// outgoing encodes m for the outbox.
func outgoing(m wire.Message) wire.Outgoing {
	o, err := m.Encode()
	if err != nil {
		panic(fmt.Sprintf("engine: encode envelope: %v", err)) // only plain data: cannot fail
	}
	return o
}
