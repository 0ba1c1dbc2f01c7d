package client

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// CompleteTimers fires the running instance's pending timers now, as if
// their time had come (Infinitic's completeTimers), and waits until its
// engine applied it.
func (r *Run[O]) CompleteTimers(ctx context.Context) error {
	return r.admin(ctx, &wire.Admin{Op: wire.AdminCompleteTimers})
}

// Inspect returns the stored state of the instance as indented JSON, for
// humans: status, method, tags, outcome, and the recent history (commands
// and events; older history is in sealed chunks, counted in "sealed").
// Payloads that are JSON are shown as such. Its shape may change: programs
// use Describe. It needs Config.Store.
func (r *Run[O]) Inspect(ctx context.Context) (json.RawMessage, error) {
	st, err := r.load(ctx)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(inspectView(st), "", "  ")
}

// stateView is the JSON shape of Inspect.
type stateView struct {
	ID       string            `json:"id"`
	Workflow string            `json:"workflow"`
	Method   string            `json:"method"`
	Version  int               `json:"version"`
	Status   string            `json:"status"`
	Tags     []string          `json:"tags,omitempty"`
	Meta     map[string]string `json:"meta,omitempty"`
	Output   any               `json:"output,omitempty"`
	Error    string            `json:"error,omitempty"`
	Commands int               `json:"commands"`
	Sealed   int               `json:"sealed"`
	History  []recordView      `json:"history,omitempty"`
	Buffered int               `json:"buffered,omitempty"`
}

type recordView struct {
	Command  string `json:"command,omitempty"`
	Event    string `json:"event,omitempty"`
	Position *int   `json:"position,omitempty"`
	At       string `json:"at,omitempty"`
	Payload  any    `json:"payload,omitempty"`
	Error    string `json:"error,omitempty"`
}

func inspectView(st *wire.State) stateView {
	v := stateView{ID: st.ID, Workflow: st.Workflow, Method: st.Method, Version: st.Version, Tags: st.Tags, Meta: st.Meta,
		Status: statusOf(st.Status).String(), Output: payload(st.Output), Commands: st.Commands, Sealed: st.Sealed, Buffered: len(st.Buffered)}
	if st.Error != nil {
		v.Error = wire.ToError(st.Error).Error()
	}
	for _, r := range st.Tail {
		switch {
		case r.Command != nil:
			v.History = append(v.History, recordView{Command: r.Command.Kind.String() + " " + r.Command.Target})
		case r.Event != nil:
			v.History = append(v.History, eventView(r.Event))
		}
	}
	return v
}

func eventView(ev *wire.Event) recordView {
	rv := recordView{At: ev.At.Format("2006-01-02T15:04:05.000Z07:00"), Payload: payload(ev.Output)}
	switch {
	case ev.IsStart():
		rv.Event, rv.Payload = "start "+ev.Method, payload(ev.Input)
	case ev.Signal != nil:
		rv.Event, rv.Payload = "signal "+ev.Signal.Channel, payload(ev.Signal.Payload)
	default:
		pos := ev.Position
		rv.Event, rv.Position = "resolved", &pos
	}
	if ev.Error != nil {
		rv.Error = wire.ToError(ev.Error).Error()
	}
	return rv
}

// payload shows JSON payloads as JSON, others as bytes (base64).
func payload(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	if json.Valid(b) {
		return json.RawMessage(b)
	}
	return b
}

// RetryTasks retries a failed instance from its first failed task that
// the filters select (all failed tasks without filter): the history is cut
// just before that failure, the task runs again, and the workflow
// continues as if it had never failed. Without filter, a failed child
// workflow counts as a failed task: its own failed tasks are retried, and
// its new outcome reaches the parent. Await the instance again, on this
// handle or any other, for its new outcome. It fails with
// infinitic.ErrNotFailed when the instance has not failed or has no such
// failed task. Only failed tasks are retried: the tasks of a running
// instance retry by themselves, per their policy.
func (r *Run[O]) RetryTasks(ctx context.Context, filters ...TaskFilter) error {
	a := &wire.Admin{Op: wire.AdminRetryTasks}
	for _, f := range filters {
		if err := f.apply(r.c, a); err != nil {
			return err
		}
	}
	return r.admin(ctx, a)
}

// TaskFilter selects the failed tasks that RetryTasks retries. Several
// filters select the tasks that match them all.
type TaskFilter struct {
	apply func(*Client, *wire.Admin) error
}

// WithTaskID selects the task with this id (infinitic.TaskFailedError's
// TaskID, infinitic.TaskInfo's ID).
func WithTaskID(id string) TaskFilter {
	return TaskFilter{func(_ *Client, a *wire.Admin) error { a.TaskID = id; return nil }}
}

// WithTaskService selects the tasks of service contract S.
func WithTaskService[S any]() TaskFilter {
	return TaskFilter{func(c *Client, a *wire.Admin) error {
		name, err := c.names.Contract(reflect.TypeFor[S]())
		if err != nil {
			return fmt.Errorf("client: %w: %w", infinitic.ErrInvalidContract, err)
		}
		a.Service = name
		return nil
	}}
}

// RetryWorkflowTask replays a failed instance with the workers' current
// code: after fixing a non-deterministic change or a panic, the instance
// continues from its history. Await the instance again, on this handle or
// any other, for its new outcome.
func (r *Run[O]) RetryWorkflowTask(ctx context.Context) error {
	return r.admin(ctx, &wire.Admin{Op: wire.AdminRetryWorkflow})
}

// admin carries out an operation on the instance.
func (r *Run[O]) admin(ctx context.Context, a *wire.Admin) error {
	return r.c.conn.Operate(ctx, r.workflow, r.id, a)
}
