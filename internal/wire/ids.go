package wire

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Message ids.
//
// The transport may drop a message whose id it saw recently, and the
// engine's exactly-once rests on it: two copies of one logical message (a
// redelivery, an outbox published again after a crash, a retried publish)
// must get the same id, and two different messages different ids. An id is
// therefore built only from stable data: request ids and uuids made once
// per call, workflow ids, positions, generations and attempts; never from
// the clock.
//
// These formats are part of the protocol, like the envelopes' key numbers:
// changing one breaks exactly-once for the messages in flight across an
// upgrade (a copy published by the old version and one published by the
// new one no longer look alike, so both are applied). TestMessageIDs pins
// each of them byte for byte.

// StartID is the id of a client's Start or StartMethod call (request: a
// uuid made once per call).
func StartID(request string) string { return "s:" + request }

// WaitID is the id of a client's request for the outcome of instance id.
func WaitID(workflowID, client, request string) string {
	return "w:" + workflowID + ":" + client + ":" + request
}

// QueryID is the id of a client's getter call.
func QueryID(request string) string { return "q:" + request }

// SignalID is the id of the message carrying signal signalID.
func SignalID(signalID string) string { return "g:" + signalID }

// SignalWithStartID is the id of a signal-with-start of signal signalID
// addressed to instance workflowID: an engine that forwards it to the
// instance owning its custom id sends a new message.
func SignalWithStartID(workflowID, signalID string) string {
	return "gs:" + workflowID + ":" + signalID
}

// StartedBySignalID is the id of the instance that a signal-with-start
// by custom id starts when the custom id has no running owner and the
// instance it was addressed to cannot be it (it ended): a uuid derived
// from the signal id, so that an engine that applies the message again
// (after a crash, a conflict) claims the same id.
func StartedBySignalID(signalID string) string {
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte("infinitic:signal-with-start:"+signalID)).String()
}

// SentSignalID is the signal id of a value sent by workflow code: the
// sender's id, its run (State.Continued: shown after a continue-as-new
// only) and the position of its send command.
func SentSignalID(senderID string, run, position int) string {
	if run == 0 {
		return fmt.Sprintf("%s:%d", senderID, position)
	}
	return fmt.Sprintf("%s:r%d:%d", senderID, run, position)
}

// CancelID is the id of a cancel: a client's request id, or the id of the
// child workflow canceled by its parent.
func CancelID(request string) string { return "k:" + request }

// CancelTaskID is the id of the cancel of task taskID sent to the
// executors of its service.
func CancelTaskID(taskID string) string { return "kt:" + taskID }

// AdminID is the id of a client's operation on an instance.
func AdminID(request string) string { return "a:" + request }

// ExpireID is the id of the message deleting a finished instance after
// its retention; finish is a uuid made once when the instance finished
// (stored with the outbox, so a republished outbox keeps it).
func ExpireID(workflowID, finish string) string { return "e:" + workflowID + ":" + finish }

// TimeoutID is the id of the message that cancels instance workflowID at
// its deadline; nonce is a uuid made once when the deadline was set.
func TimeoutID(workflowID, nonce string) string { return "t:" + workflowID + ":" + nonce }

// ExpireRequest is the request id of an expire operation.
func ExpireRequest(workflowID string) string { return "e:" + workflowID }

// ChildDispatchID is the id of the dispatch of child workflow childID by
// a command of generation gen (a retry that issues the command again asks
// the child again: a new message).
func ChildDispatchID(childID string, gen int) string { return fmt.Sprintf("d:%s:%d", childID, gen) }

// ExecuteID is the id of attempt number attempt of task taskID.
func ExecuteID(taskID string, attempt int) string { return fmt.Sprintf("x:%s:%d", taskID, attempt) }

// CompletedID is the id of the message resolving the given position (of
// generation gen) of instance workflowID: a timer, a child's outcome, a
// delegated task's result.
func CompletedID(workflowID string, position, gen int) string {
	return fmt.Sprintf("c:%s:%d:%d", workflowID, position, gen)
}

// OutcomeID is the id of a task's outcome (its result or final failure):
// one per execute message, so that a task asked again by a retry of its
// workflow is not a duplicate of its first outcome.
func OutcomeID(executeMessageID string) string { return "c|" + executeMessageID }

// ReplyID is the id of the engine's reply to a client's request.
func ReplyID(request string) string { return "y:" + request }

// ResultID is the id of the result of instance workflowID (of its method
// run run, "" for the main method) sent to client when generation gen of
// the instance ended.
func ResultID(workflowID, run, client string, gen int) string {
	return fmt.Sprintf("r:%s:%s:%s:%d", workflowID, run, client, gen)
}

// AnswerID is the id of the result sent to client in answer to its
// request (a Wait, or a dispatch joining an instance that already ended
// or refusing a method run): one per request, however many times the
// instance already answered this client.
func AnswerID(workflowID, run, client, request string) string {
	return "r:" + workflowID + ":" + run + ":" + client + ":late:" + request
}

// AgainID is the id of the outcome of a finished child sent again to its
// parent, in answer to a dispatch of request (a parent asks again after a
// retry made a new generation).
func AgainID(parent ParentRef, request string) string {
	return CompletedID(parent.WorkflowID, parent.Position, parent.Gen) + ":again:" + request
}

// RetryID is the id of a message asked again by the retry of a failed
// instance that made generation gen (id: the message's first id).
func RetryID(id string, gen int) string { return fmt.Sprintf("%s:retry%d", id, gen) }

// EventID is the id of the seq-th event (from 1) of the instance id of
// workflow that started at started (a workflow id reused after retention
// deleted the first instance gets other ids). An event message has the
// id of its first event, unless it merges several instances' (see
// MergeEvents).
func EventID(workflow, id string, started time.Time, seq int) string {
	return fmt.Sprintf("ev:%s:%s:%x:%d", workflow, id, started.UnixMilli(), seq)
}

// TaskEventID is the id of the event of type eventType about the attempt
// of execute message executeMessageID (which names the task and the
// attempt).
func TaskEventID(executeMessageID, eventType string) string {
	return "ev:" + executeMessageID + ":" + strings.TrimPrefix(eventType, "infinitic.task.")
}
