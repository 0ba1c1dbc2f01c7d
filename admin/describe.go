package admin

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/internal/errsafe"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Status of an instance.
type Status string

// Statuses.
const (
	// StatusPending: messages for the instance (a signal, a cancel)
	// arrived before its start; they are kept until it starts.
	StatusPending   Status = "pending"
	StatusRunning   Status = "running"
	StatusCompleted Status = "completed"
	StatusFailed    Status = "failed" // RetryTasks or RetryWorkflowTask can make it run again
	StatusCanceled  Status = "canceled"
)

// StatusOf names a stored status.
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

// Ref names an instance.
type Ref struct {
	Workflow string `json:"workflow"`
	ID       string `json:"id"`
}

// Instance is what the store knows of a workflow instance.
type Instance struct {
	Workflow string            `json:"workflow"`
	ID       string            `json:"id"`
	Method   string            `json:"method,omitempty"` // "" while pending
	Version  int               `json:"version"`          // implementation version (worker.WithVersion)
	Status   Status            `json:"status"`
	Tags     []string          `json:"tags,omitempty"`
	Meta     map[string]string `json:"meta,omitempty"`
	CustomID string            `json:"customId,omitempty"`
	// Search holds the search fields set by the code (workflow.SetSearch):
	// strings, bools, int64s, float64s and time.Times.
	Search map[string]any `json:"search,omitempty"`
	Parent *Ref           `json:"parent,omitempty"`
	// Children are the child workflows it dispatched (known while its
	// history is kept: running and failed instances).
	Children []Ref `json:"children,omitempty"`
	// Started and Ended are zero when unknown (not yet, or an instance
	// stored by an older version).
	Started time.Time `json:"started,omitzero"`
	Ended   time.Time `json:"ended,omitzero"`
	// Deadline is when the instance is canceled if it still runs (zero:
	// no timeout, client.WithTimeout).
	Deadline time.Time `json:"deadline,omitzero"`
	// Run counts the times the instance continued as new
	// (workflow.ContinueAsNew): its history is that of its last run.
	Run int `json:"run,omitempty"`
	// Generation grows at each retry of the instance and each run that
	// continued as new (Generation - Run is the number of retries).
	Generation int `json:"generation,omitempty"`
	// Methods are the parallel method runs not finished.
	Methods []string `json:"methods,omitempty"`
	// Pending are the tasks, timers, children and receives it waits for.
	Pending []Step `json:"pending,omitempty"`
	// Output is the JSON result of a completed instance.
	Output json.RawMessage `json:"output,omitempty"`
	// Error is the outcome of a failed or canceled instance.
	Error *Failure `json:"error,omitempty"`
	// Buffered counts the messages kept until the instance starts (or
	// until the command they answer is issued).
	Buffered int `json:"buffered,omitempty"`
}

// Failure is an error with its cause chain.
type Failure struct {
	// Chain holds each error of the chain, outermost first, without the
	// text of its cause (the next one).
	Chain []string `json:"chain"`
	// Err is the error itself, as Await returns it: errors.Is and
	// errors.As see its causes (*infinitic.TaskFailedError...).
	Err error `json:"-"`
}

func failure(e *wire.Error) *Failure {
	err := wire.ToError(e)
	if err == nil {
		return nil
	}
	f := &Failure{Err: err}
	for i := 0; err != nil && i < errsafe.MaxDepth; i++ {
		msg, cause := errsafe.Message(err), errsafe.Unwrap(err)
		if cause != nil { // its own part only: the cause comes next
			msg = strings.TrimSuffix(msg, ": "+errsafe.Message(cause))
		}
		f.Chain = append(f.Chain, msg)
		err = cause
	}
	return f
}

// Describe returns what the store knows of instance id of workflow; an id
// without state fails with infinitic.ErrInstanceNotFound.
func (a *Admin) Describe(ctx context.Context, workflow, id string) (*Instance, error) {
	if err := names(workflow); err != nil {
		return nil, err
	}
	st, err := wire.ReadState(ctx, a.st, workflow, id)
	if err != nil {
		return nil, err
	}
	in := describe(st)
	if in.ID == "" { // a pending instance's state holds only buffered messages
		in.ID, in.Workflow = id, workflow
	}
	if st.Status == wire.StatusRunning || st.Status == wire.StatusFailed {
		log, err := wire.ReadLog(ctx, a.st, st)
		if err != nil {
			return nil, err
		}
		steps := history(st, log)
		for _, s := range steps {
			if s.Child != nil {
				in.Children = append(in.Children, *s.Child)
			}
			if s.Status == StepPending {
				in.Pending = append(in.Pending, s)
			}
		}
	}
	return in, nil
}

func describe(st *wire.State) *Instance {
	in := &Instance{Workflow: st.Workflow, ID: st.ID, Method: st.Method, Version: st.Version, Status: statusOf(st.Status),
		Tags: st.Tags, Meta: st.Meta, Started: st.Started, Ended: st.Ended, Deadline: st.Deadline, Run: st.Continued, Generation: st.Generation,
		Output: jsonOrNil(st.Output), Error: failure(st.Error), Buffered: len(st.Buffered)}
	in.CustomID, _ = wire.CustomIDOf(st.Tags)
	for name, tok := range st.Search {
		if v, err := wire.SearchValue(tok); err == nil {
			if in.Search == nil {
				in.Search = map[string]any{}
			}
			in.Search[name] = v
		}
	}
	if p := st.Parent; p != nil {
		in.Parent = &Ref{Workflow: p.Workflow, ID: p.WorkflowID}
	}
	for _, r := range st.Runs {
		in.Methods = append(in.Methods, r.Method)
	}
	return in
}

// jsonOrNil returns b as JSON, or nil if it is not JSON (another codec).
func jsonOrNil(b []byte) json.RawMessage {
	if len(b) == 0 || !json.Valid(b) {
		return nil
	}
	return json.RawMessage(b)
}

// childWorkflow is the workflow name of a child command's target.
func childWorkflow(target string) string {
	w, _, _ := strings.Cut(target, ".")
	return w
}
