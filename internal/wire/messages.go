package wire

import (
	"strconv"
	"time"
)

// Message is an envelope with its routing: its id (see ids.go), subject,
// partitioning key and optional delivery time. Every message is built by
// one of the functions below, whichever component sends it.
type Message struct {
	ID        string
	Subject   string
	Key       string // the workflow id (a partitioning hint)
	Envelope  *Envelope
	DeliverAt time.Time
}

// Encode encodes m for an outbox or the transport.
func (m Message) Encode() (Outgoing, error) {
	data, err := Marshal(m.Envelope)
	if err != nil {
		return Outgoing{}, err
	}
	return Outgoing{ID: m.ID, Subject: m.Subject, Key: m.Key, Data: data, DeliverAt: m.DeliverAt}, nil
}

// toWorkflow addresses env to instance id of workflow, on the subject
// that ClientMayPublish says.
func toWorkflow(id string, env *Envelope) Message {
	subject := WorkflowInternalSubject(env.Workflow)
	if ClientMayPublish(env) {
		subject = WorkflowSubject(env.Workflow)
	}
	return Message{ID: id, Subject: subject, Key: env.WorkflowID, Envelope: env}
}

// ClientMayPublish reports whether env is a request that a client may
// send to a workflow (on WorkflowSubject): a start without parent, a
// wait, a query, a signal, a cancel or an admin operation other than
// expiry or timeout. The rest (outcomes, child dispatches, expiry,
// timeouts) only workers send, on WorkflowInternalSubject.
func ClientMayPublish(env *Envelope) bool {
	switch env.Kind {
	case KindDispatch:
		return env.Dispatch == nil || env.Dispatch.Parent == nil
	case KindWait, KindQuery, KindSignal, KindCancel:
		return true
	case KindAdmin:
		return env.Admin == nil || (env.Admin.Op != AdminExpire && env.Admin.Op != AdminTimeout)
	}
	return false
}

// StartMessage is a client's Start (or StartMethod, with d.Run set) of
// instance id; d.Request identifies the call.
func StartMessage(workflow, id string, d *Dispatch) Message {
	return toWorkflow(StartID(d.Request), &Envelope{Kind: KindDispatch, WorkflowID: id, Workflow: workflow, Dispatch: d})
}

// SignalWithStartMessage starts instance id unless it runs and sends it
// d.Signal, in one message (from a client, from workflow code, or
// forwarded by an engine to the owner of a custom id).
func SignalWithStartMessage(workflow, id string, d *Dispatch) Message {
	return toWorkflow(SignalWithStartID(id, d.Signal.ID), &Envelope{Kind: KindDispatch, WorkflowID: id, Workflow: workflow, Dispatch: d})
}

// ChildMessage dispatches child workflow childID for the command at
// d.Parent; gen is the parent's generation.
func ChildMessage(workflow, childID string, gen int, d *Dispatch) Message {
	d.Request = strconv.Itoa(gen)
	return toWorkflow(ChildDispatchID(childID, d.Parent.Gen), &Envelope{Kind: KindDispatch, WorkflowID: childID, Workflow: workflow, Dispatch: d})
}

// WaitMessage asks for the outcome of instance id for w.Client.
func WaitMessage(workflow, id string, w *Wait) Message {
	return toWorkflow(WaitID(id, w.Client, w.Request), &Envelope{Kind: KindWait, WorkflowID: id, Workflow: workflow, Wait: w})
}

// QueryMessage calls a getter on instance id.
func QueryMessage(workflow, id string, q *Query) Message {
	return toWorkflow(QueryID(q.ID), &Envelope{Kind: KindQuery, WorkflowID: id, Workflow: workflow, Query: q})
}

// SignalMessage sends signal s to instance id (from a client or from
// workflow code).
func SignalMessage(workflow, id string, s *Signal) Message {
	return toWorkflow(SignalID(s.ID), &Envelope{Kind: KindSignal, WorkflowID: id, Workflow: workflow, Signal: s})
}

// CancelMessage is a client's cancel of instance id (request c.ID).
func CancelMessage(workflow, id string, c *Cancel) Message {
	return toWorkflow(CancelID(c.ID), &Envelope{Kind: KindCancel, WorkflowID: id, Workflow: workflow, Cancel: c})
}

// ChildCancelMessage is a parent's cancel of its child childID.
func ChildCancelMessage(workflow, childID, reason string) Message {
	id := CancelID(childID)
	return toWorkflow(id, &Envelope{Kind: KindCancel, WorkflowID: childID, Workflow: workflow, Cancel: &Cancel{ID: id, Reason: reason}})
}

// AdminMessage is a client's operation on instance id.
func AdminMessage(workflow, id string, a *Admin) Message {
	return toWorkflow(AdminID(a.ID), &Envelope{Kind: KindAdmin, WorkflowID: id, Workflow: workflow, Admin: a})
}

// ExpireMessage deletes finished instance id at instant at (retention);
// finish is a uuid made once when the instance finished.
func ExpireMessage(workflow, id, finish string, at time.Time) Message {
	m := toWorkflow(ExpireID(id, finish), &Envelope{Kind: KindAdmin, WorkflowID: id, Workflow: workflow,
		Admin: &Admin{ID: ExpireRequest(id), Op: AdminExpire}})
	m.DeliverAt = at
	return m
}

// TimeoutMessage cancels instance id at its deadline (Dispatch.Timeout);
// nonce is a uuid made once when the deadline was set (stored with the
// outbox, so a republished outbox keeps it).
func TimeoutMessage(workflow, id, nonce string, deadline time.Time) Message {
	m := toWorkflow(TimeoutID(id, nonce), &Envelope{Kind: KindAdmin, WorkflowID: id, Workflow: workflow,
		Admin: &Admin{ID: TimeoutID(id, nonce), Op: AdminTimeout, Deadline: deadline}})
	m.DeliverAt = deadline
	return m
}

// ChildRetryMessage retries the failed tasks of the failed child workflow
// childID, for the retry of its parent that made generation gen.
func ChildRetryMessage(workflow, childID string, gen int) Message {
	return AdminMessage(workflow, childID, &Admin{ID: RetryID("child:"+childID, gen), Op: AdminRetryTasks})
}

// ChildOutcomeMessage is how a child workflow of generation gen ended,
// for its parent's position p: a child that RetryTasks ran again (gen >
// 0) sends a new message, not a duplicate of its first outcome.
func ChildOutcomeMessage(p ParentRef, gen int, output []byte, err *Error) Message {
	m := CompletedMessage(p, output, err)
	if gen > 0 {
		m.ID = RetryID(m.ID, gen)
	}
	return m
}

// CompletedMessage resolves position p of a workflow: a timer (delivered
// at a later time), a child's outcome, a delegated task's result, a task
// outcome (see OutcomeMessage).
func CompletedMessage(p ParentRef, output []byte, err *Error) Message {
	return toWorkflow(CompletedID(p.WorkflowID, p.Position, p.Gen), &Envelope{Kind: KindCompleted, WorkflowID: p.WorkflowID,
		Workflow: p.Workflow, Completed: &Completed{Position: p.Position, Output: output, Error: err, Gen: p.Gen}})
}

// OutcomeMessage is a task's outcome (its result, or its final failure)
// after attempt ex.Attempt, answering execute message executeMessageID.
func OutcomeMessage(ex *Execute, executeMessageID string, output []byte, err *Error) Message {
	m := CompletedMessage(ex.Parent, output, err)
	m.ID, m.Envelope.Completed.Attempt = OutcomeID(executeMessageID), ex.Attempt
	return m
}

// ExecuteMessage asks the executors of ex.Service to run attempt
// ex.Attempt of task ex.TaskID, at instant at (zero: now).
func ExecuteMessage(ex *Execute, at time.Time) Message {
	return Message{ID: ExecuteID(ex.TaskID, ex.Attempt), Subject: ServiceSubject(ex.Service), Key: ex.Parent.WorkflowID,
		Envelope: &Envelope{Kind: KindExecute, WorkflowID: ex.Parent.WorkflowID, Workflow: ex.Parent.Workflow, Execute: ex}, DeliverAt: at}
}

// CancelTaskMessage tells the executors of service that task taskID of
// instance id was canceled.
func CancelTaskMessage(workflow, id, service, taskID string) Message {
	cid := CancelTaskID(taskID)
	return Message{ID: cid, Subject: CancelSubject(service), Key: id,
		Envelope: &Envelope{Kind: KindCancel, WorkflowID: id, Workflow: workflow, Cancel: &Cancel{ID: cid, TaskID: taskID}}}
}

// ReplyMessage answers a client's request.
func ReplyMessage(client, request string, output []byte, err *Error) Message {
	return Message{ID: ReplyID(request), Subject: ClientSubject(client), Key: request,
		Envelope: &Envelope{Kind: KindReply, Reply: &Reply{Request: request, Output: output, Error: err}}}
}

// ResultMessage tells client how instance id (or its method run r.Run)
// ended; id is ResultID or AnswerID.
func ResultMessage(workflow, wfID, client, id string, r *Result) Message {
	return Message{ID: id, Subject: ClientSubject(client), Key: wfID,
		Envelope: &Envelope{Kind: KindResult, WorkflowID: wfID, Workflow: workflow, Result: r}}
}
