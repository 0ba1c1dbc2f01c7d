package wire

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/internal/errsafe"
)

// The event stream. Each lifecycle event of an instance is a CloudEvent
// (spec 1.0, structured JSON mode). The engine stores the events of a step
// in the instance's outbox, with its state, as one message (an
// EventBatch): they are published once the state is written, like any
// other outbox message, so a step that is rolled back emits nothing, and
// a republished outbox carries the same message ids (deduplicated). The
// executor publishes task events with its outcomes. Package events reads
// them back.

// Event types, named like Infinitic's: infinitic.workflow.* come from the
// workflow engines (source WorkflowEventSource), infinitic.task.* from
// the service executors (source TaskEventSource).
const (
	EventWorkflowDispatched    = "infinitic.workflow.dispatch"
	EventWorkflowStarted       = "infinitic.workflow.started"
	EventWorkflowCompleted     = "infinitic.workflow.completed"
	EventWorkflowFailed        = "infinitic.workflow.failed"
	EventWorkflowCanceled      = "infinitic.workflow.canceled"
	EventWorkflowRetried       = "infinitic.workflow.retryTask"
	EventWorkflowReplayed      = "infinitic.workflow.retryExecutor"
	EventWorkflowContinued     = "infinitic.workflow.continuedAsNew"
	EventMethodStarted         = "infinitic.workflow.methodStarted"
	EventMethodCompleted       = "infinitic.workflow.methodCompleted"
	EventMethodFailed          = "infinitic.workflow.methodFailed"
	EventTaskDispatched        = "infinitic.workflow.taskDispatched"
	EventTimerDispatched       = "infinitic.workflow.timerDispatched"
	EventTimerCompleted        = "infinitic.workflow.timerCompleted"
	EventSignalReceived        = "infinitic.workflow.signalReceived"
	EventChildDispatched       = "infinitic.workflow.remoteMethodDispatched"
	EventChildCompleted        = "infinitic.workflow.remoteMethodCompleted"
	EventChildFailed           = "infinitic.workflow.remoteMethodFailed"
	EventTaskStarted           = "infinitic.task.started"
	EventTaskCompleted         = "infinitic.task.completed"
	EventTaskFailed            = "infinitic.task.failed"
	EventTaskRetryScheduled    = "infinitic.task.retryScheduled"
	EventSpecVersion           = "1.0"
	EventDataContentType       = "application/json"
	eventSourcePrefix          = "infinitic/"
	eventWorkflowSourceSegment = "workflows/"
	eventServiceSourceSegment  = "services/"
)

// EventTypes lists every event type, in a lifecycle's usual order.
var EventTypes = []string{
	EventWorkflowDispatched, EventWorkflowStarted, EventMethodStarted, EventTaskDispatched,
	EventTaskStarted, EventTaskRetryScheduled, EventTaskCompleted, EventTaskFailed,
	EventTimerDispatched, EventTimerCompleted, EventSignalReceived, EventChildDispatched,
	EventChildCompleted, EventChildFailed, EventMethodCompleted, EventMethodFailed,
	EventWorkflowCompleted, EventWorkflowFailed, EventWorkflowCanceled, EventWorkflowRetried, EventWorkflowReplayed,
	EventWorkflowContinued,
}

// WorkflowEventSource is the CloudEvents source of a workflow's events.
func WorkflowEventSource(workflow string) string {
	return eventSourcePrefix + eventWorkflowSourceSegment + workflow
}

// TaskEventSource is the CloudEvents source of a service's task events.
func TaskEventSource(service string) string {
	return eventSourcePrefix + eventServiceSourceSegment + service
}

// CloudEvent is one event in structured JSON mode. Extension attributes:
// workflowname and workflowid (every event), workflowseq (engine events:
// the instance's event number, from 1, without gaps).
type CloudEvent struct {
	SpecVersion     string    `json:"specversion"`
	ID              string    `json:"id"`
	Source          string    `json:"source"`
	Type            string    `json:"type"`
	Subject         string    `json:"subject"`
	Time            time.Time `json:"time"`
	DataContentType string    `json:"datacontenttype"`
	WorkflowName    string    `json:"workflowname"`
	WorkflowID      string    `json:"workflowid"`
	WorkflowSeq     int       `json:"workflowseq,omitempty"`
	Data            EventData `json:"data"`
}

// EventData is the data of an event; each type sets its own fields.
type EventData struct {
	WorkflowName    string            `json:"workflowName"`
	WorkflowID      string            `json:"workflowId"`
	WorkflowVersion *int              `json:"workflowVersion,omitempty"`
	MethodName      string            `json:"methodName,omitempty"`
	MethodID        string            `json:"methodId,omitempty"` // a method run started on a running instance
	Input           json.RawMessage   `json:"input,omitempty"`
	Result          json.RawMessage   `json:"result,omitempty"`
	Error           *EventError       `json:"error,omitempty"`
	Tags            []string          `json:"tags,omitempty"`
	Meta            map[string]string `json:"meta,omitempty"`
	Parent          *EventParent      `json:"parent,omitempty"`
	Reason          string            `json:"reason,omitempty"`
	Position        *int              `json:"position,omitempty"`
	TaskID          string            `json:"taskId,omitempty"`
	ServiceName     string            `json:"serviceName,omitempty"`
	TaskName        string            `json:"taskName,omitempty"`
	Attempt         int               `json:"attempt,omitempty"`       // 1 for the first attempt (Infinitic's retryIndex + 1)
	RetrySequence   int               `json:"retrySequence,omitempty"` // manual retries of the instance (its generation)
	RetryDelay      int64             `json:"retryDelayMillis,omitempty"`
	Due             *time.Time        `json:"due,omitempty"`
	Channel         string            `json:"channel,omitempty"`
	SignalID        string            `json:"signalId,omitempty"`
	Value           json.RawMessage   `json:"value,omitempty"`
	ChildName       string            `json:"childWorkflowName,omitempty"`
	ChildID         string            `json:"childWorkflowId,omitempty"`
	// Truncated names the payloads left out because they were larger
	// than MaxEventPayload.
	Truncated []string `json:"truncated,omitempty"`
}

// EventParent is the parent of a child workflow.
type EventParent struct {
	WorkflowName string `json:"workflowName"`
	WorkflowID   string `json:"workflowId"`
	Position     int    `json:"position"`
}

// EventError is a failure in an event: its message chain and its type.
type EventError struct {
	Message string `json:"message"`
	Type    string `json:"type,omitempty"`
}

// MaxEventPayload is the largest payload (input, result, signal value) an
// event carries; a larger one is left out and named in Truncated, so that
// events never make a step's messages too large.
const MaxEventPayload = 4 << 10

// EventPayload sets the payload of field name (one of "input", "result",
// "value") to p: as JSON when it is (the default codec), else as a JSON
// string of its base64; left out and named in Truncated when over
// MaxEventPayload.
func (d *EventData) EventPayload(name string, p []byte) {
	if len(p) == 0 {
		return
	}
	if len(p) > MaxEventPayload {
		d.Truncated = append(d.Truncated, name)
		return
	}
	raw := json.RawMessage(p)
	if !json.Valid(p) {
		raw = json.RawMessage(`"` + base64.StdEncoding.EncodeToString(p) + `"`) // base64 needs no escaping
	}
	switch name {
	case "input":
		d.Input = raw
	case "result":
		d.Result = raw
	case "value":
		d.Value = raw
	}
}

// NewEventError converts a wire error for an event.
func NewEventError(e *Error) *EventError {
	if e == nil {
		return nil
	}
	err := ToError(e)
	return &EventError{Message: errsafe.Message(err), Type: e.Type}
}

// EventBatch is the data of one message of the event stream: the events
// of one engine step of one instance, or of one task outcome, in order.
type EventBatch []CloudEvent

// maxBatchBytes bounds the encoded size of one event message: a step
// with more events publishes several messages.
const maxBatchBytes = 256 << 10

// EventMessages encodes events (of one instance, in order) as messages
// of subject EventSubject(workflow), keyed by the instance id, each
// identified by the id of its first event.
func EventMessages(workflow, workflowID string, events []CloudEvent) ([]Outgoing, error) {
	return eventMessages(workflow, workflowID, events, func(batch []CloudEvent) string { return batch[0].ID })
}

// TaskEventMessages is EventMessages for the events of one task attempt,
// each message identified by the id of its last event: an attempt's
// task.started goes alone or with its outcome event, and a message
// carrying the outcome must not share its id (and be dropped as a
// duplicate) with a task.started published alone before.
func TaskEventMessages(workflow, workflowID string, events []CloudEvent) ([]Outgoing, error) {
	return eventMessages(workflow, workflowID, events, func(batch []CloudEvent) string { return batch[len(batch)-1].ID })
}

func eventMessages(workflow, workflowID string, events []CloudEvent, id func([]CloudEvent) string) ([]Outgoing, error) {
	var out []Outgoing
	for len(events) > 0 {
		n, data, err := fitBatch(events)
		if err != nil {
			return nil, err
		}
		out = append(out, Outgoing{ID: id(events[:n]), Subject: EventSubject(workflow), Key: workflowID, Data: data})
		events = events[n:]
	}
	return out, nil
}

// fitBatch encodes the longest prefix of events (at least one) that fits
// in maxBatchBytes.
func fitBatch(events []CloudEvent) (int, []byte, error) {
	n := len(events)
	for {
		data, err := json.Marshal(EventBatch(events[:n]))
		if err != nil {
			return 0, nil, fmt.Errorf("encode events: %w", err)
		}
		if len(data) <= maxBatchBytes || n == 1 {
			return n, data, nil
		}
		n = (n + 1) / 2
	}
}

// MergeEvents packs the event messages that several instances' steps
// publish together (an engine's commit) into one message per subject, of
// at most maxBatchBytes, in their order: one broker message instead of
// one per instance. Other messages are returned as they are, after the
// merged ones. A merged message's id is a hash of its members' ids: the
// same group published again is a duplicate for the stream; a copy in
// another group is not, and Listen and Read drop it by workflowseq, as
// they do for copies published after the deduplication window (engine
// events by workflowseq, task events by id).
func MergeEvents(out []Outgoing) []Outgoing {
	var logs, others []Outgoing
	for _, o := range out {
		if strings.HasPrefix(o.Subject, EventSubject("")) && isArray(o.Data) && o.DeliverAt.IsZero() {
			logs = append(logs, o)
		} else {
			others = append(others, o)
		}
	}
	if len(logs) < 2 {
		return out
	}
	var merged []Outgoing
	open := map[string]int{} // subject → index in merged of the message being filled
	var members [][]string   // ids in each merged message
	for _, o := range logs {
		i, ok := open[o.Subject]
		if ok && len(merged[i].Data)+len(o.Data) <= maxBatchBytes {
			m := &merged[i]
			m.Data = append(append(m.Data[:len(m.Data)-1], ','), o.Data[1:]...)
			m.Key = ""
			members[i] = append(members[i], o.ID)
			continue
		}
		open[o.Subject] = len(merged)
		o.Data = bytes.Clone(o.Data)
		merged = append(merged, o)
		members = append(members, []string{o.ID})
	}
	for i, ids := range members {
		if len(ids) > 1 {
			sum := sha256.Sum256([]byte(strings.Join(ids, "\n")))
			merged[i].ID = "evs:" + hex.EncodeToString(sum[:16])
		}
	}
	return append(merged, others...)
}

// isArray reports whether data looks like a non-empty JSON array (an
// EventBatch), whose elements can be joined to another's.
func isArray(data []byte) bool {
	return len(data) > 2 && data[0] == '[' && data[len(data)-1] == ']'
}
