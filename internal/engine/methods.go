package engine

import (
	"fmt"
	"slices"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// applyMethodRun starts a method on a running instance, in parallel with
// its other methods, sharing its fields.
func (e *WorkflowEngine) applyMethodRun(in *instance, env *wire.Envelope, now time.Time) {
	d := env.Dispatch
	if in.state == nil || in.state.Status == 0 {
		e.buffer(in, env) // the instance's own dispatch may be on its way
		return
	}
	st := in.state
	if err := e.refusal(in); err != nil {
		e.refuseRun(in, d, err)
		return
	}
	if slices.Contains(st.Applied, d.Run) {
		return // a duplicate
	}
	if _, err := e.contract.Method(d.Method); err != nil {
		e.refuseRun(in, d, err)
		return
	}
	e.remember(st, d.Run)
	run := wire.MethodRun{Run: d.Run, Method: d.Method}
	if d.Waiter != "" {
		run.Waiters = []string{d.Waiter}
	}
	st.Runs = append(st.Runs, run)
	ev := &wire.Event{At: now, Position: -1, Method: d.Method, Input: d.Input, Run: d.Run}
	st.Tail = append(st.Tail, wire.Record{Event: ev})
	in.changed = true
	started := wire.EventData{MethodName: d.Method, MethodID: d.Run}
	started.EventPayload("input", d.Input)
	e.event(in, wire.EventMethodStarted, now, started)
	in.rt.Start(ev)
	e.drain(in, now)
}

// refuseRun answers the caller of a method run that cannot start.
func (e *WorkflowEngine) refuseRun(in *instance, d *wire.Dispatch, err error) {
	if d.Waiter != "" {
		id := wire.AnswerID(in.id, d.Run, d.Waiter, d.Request)
		res := &wire.Result{Run: d.Run, Error: wire.FromError(err)}
		in.direct = append(in.direct, outgoing(wire.ResultMessage(e.contract.Name, in.id, d.Waiter, id, res)))
	}
}

// finishRun notifies the callers of a parallel method run that ended.
func (e *WorkflowEngine) finishRun(in *instance, runID string, output []byte, err error) {
	st := in.state
	i := slices.IndexFunc(st.Runs, func(r wire.MethodRun) bool { return r.Run == runID })
	if i < 0 {
		return // notified before (this is a replay)
	}
	run := st.Runs[i]
	st.Runs = slices.Delete(st.Runs, i, i+1)
	res := &wire.Result{Run: runID, Output: output}
	ended := wire.EventData{MethodName: run.Method, MethodID: runID}
	typ := wire.EventMethodCompleted
	if err != nil {
		res.Error = wire.FromError(&infinitic.WorkflowFailedError{Workflow: st.Workflow, ID: st.ID, Method: run.Method, Cause: err})
		typ, ended.Error = wire.EventMethodFailed, wire.NewEventError(res.Error)
	} else {
		ended.EventPayload("result", output)
	}
	e.event(in, typ, e.Clock.Now(), ended)
	for _, w := range run.Waiters {
		id := wire.ResultID(st.ID, runID, w, st.Generation)
		st.Outbox = append(st.Outbox, outgoing(wire.ResultMessage(st.Workflow, st.ID, w, id, res)))
	}
	in.changed = true
}

// applyQuery answers a getter call with the instance's current fields.
func (e *WorkflowEngine) applyQuery(in *instance, q *wire.Query) {
	err := e.refusal(in)
	var out []byte
	if err == nil {
		out, err = in.rt.Query(q.Method)
		if err != nil {
			err = fmt.Errorf("getter %s.%s: %w", e.contract.Name, q.Method, err)
		}
	}
	in.direct = append(in.direct, outgoing(wire.ReplyMessage(q.ReplyTo, q.ID, out, wire.FromError(err))))
}

// remember records an applied request id, bounded by wire.MaxApplied.
func (e *WorkflowEngine) remember(st *wire.State, id string) {
	st.Applied = append(st.Applied, id)
	if over := len(st.Applied) - wire.MaxApplied; over > 0 {
		st.Applied = st.Applied[over:]
	}
}
