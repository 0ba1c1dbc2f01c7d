package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Status is the status of a workflow instance.
type Status uint8

// Instance statuses.
const (
	// StatusPending: messages for the instance (a Send, a Cancel) arrived
	// before its start; they are kept until it starts.
	StatusPending Status = iota + 1
	// StatusRunning: started and not finished.
	StatusRunning
	// StatusCompleted: its main method returned a result.
	StatusCompleted
	// StatusFailed: its main method failed; RetryTasks or
	// RetryWorkflowTask can make it run again.
	StatusFailed
	// StatusCanceled: canceled (Run.Cancel, CancelByTag, or its parent).
	StatusCanceled
)

func (s Status) String() string {
	switch s {
	case StatusPending:
		return "pending"
	case StatusRunning:
		return "running"
	case StatusCompleted:
		return "completed"
	case StatusFailed:
		return "failed"
	case StatusCanceled:
		return "canceled"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Finished reports whether the instance ended (completed, failed or
// canceled).
func (s Status) Finished() bool {
	return s == StatusCompleted || s == StatusFailed || s == StatusCanceled
}

// Description is what the store knows of a workflow instance.
type Description struct {
	ID       string
	Workflow string // wire name of the workflow
	Method   string // wire name of the main method ("" while pending)
	Version  int    // implementation version the instance runs (worker.WithVersion)
	Status   Status
	Tags     []string          // custom id tag included ("customId:<id>")
	Meta     map[string]string // set by client.WithMeta or workflow.WithMeta
	CustomID string            // set by WithCustomID; "" if none
	// ParentWorkflow and ParentID name the workflow instance that started
	// this one as a child; both "" for an instance started by a client.
	ParentWorkflow, ParentID string
	// Methods lists the parallel method runs (StartMethod) not finished,
	// by wire name.
	Methods []string
	// Run counts the times the instance continued as new
	// (workflow.ContinueAsNew): 0 in its first run.
	Run int
	// Deadline is when the instance is canceled if it still runs (zero:
	// no timeout; see WithTimeout).
	Deadline time.Time
	// Err is the outcome of a failed or canceled instance: the error Await
	// returns (a *infinitic.WorkflowFailedError with its cause chain). For
	// a completed instance's result, call Await: it returns at once.
	Err error
}

// Describe returns what the store knows of the instance, typed (Inspect
// gives the same, with the history, as JSON for humans). It needs
// Config.Store. An id without state fails with
// infinitic.ErrInstanceNotFound: not started yet (Start returns before the
// workflow engine applied the start), or deleted after its retention.
//
// To wait until an instance runs, call Describe until it returns a status
// other than StatusPending (retrying ErrInstanceNotFound for an instance
// that was just started); to wait until it finishes, call Await.
func (r *Run[O]) Describe(ctx context.Context) (Description, error) {
	st, err := r.load(ctx)
	if err != nil {
		return Description{}, err
	}
	d := Description{ID: st.ID, Workflow: st.Workflow, Method: st.Method, Version: st.Version,
		Status: statusOf(st.Status), Tags: st.Tags, Meta: st.Meta, Run: st.Continued, Deadline: st.Deadline, Err: wire.ToError(st.Error)}
	if d.ID == "" { // a pending instance's state holds only buffered messages
		d.ID, d.Workflow = r.id, r.workflow
	}
	d.CustomID, _ = wire.CustomIDOf(st.Tags)
	if st.Parent != nil {
		d.ParentWorkflow, d.ParentID = st.Parent.Workflow, st.Parent.WorkflowID
	}
	for _, m := range st.Runs {
		d.Methods = append(d.Methods, m.Method)
	}
	return d, nil
}

// load reads the instance's stored state.
func (r *Run[O]) load(ctx context.Context) (*wire.State, error) {
	if r.c.cfg.Store == nil {
		return nil, errors.New("client: Config.Store is required to describe or inspect instances")
	}
	st, err := wire.ReadState(ctx, r.c.cfg.Store, r.workflow, r.id)
	if err != nil && !errors.Is(err, infinitic.ErrInstanceNotFound) {
		return nil, fmt.Errorf("client: %w", err)
	}
	return st, err
}

func statusOf(s wire.Status) Status {
	switch s {
	case wire.StatusRunning:
		return StatusRunning
	case wire.StatusCompleted:
		return StatusCompleted
	case wire.StatusFailed:
		return StatusFailed
	case wire.StatusCanceled:
		return StatusCanceled
	}
	return StatusPending
}
