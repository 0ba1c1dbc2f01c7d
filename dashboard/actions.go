package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/admin"
)

// actionTimeout bounds an action: most wait for a workflow engine's reply.
const actionTimeout = 30 * time.Second

// action is an operation the dashboard can run.
type action struct {
	// Title is the confirmation's question; %s is the instance.
	Title string
	// Button is the confirming button's text.
	Button string
	// run runs it and returns the id of the instance to show.
	run func(ctx context.Context, a *admin.Admin, f actionForm) (string, error)
}

var actions = map[string]action{
	"cancel": {"Cancel %s?", "Cancel the instance", func(ctx context.Context, a *admin.Admin, f actionForm) (string, error) {
		return f.ID, a.Cancel(ctx, f.Workflow, f.ID, f.Reason)
	}},
	"retry-tasks": {"Retry the failed tasks of %s?", "Retry the failed tasks", func(ctx context.Context, a *admin.Admin, f actionForm) (string, error) {
		return f.ID, a.RetryTasks(ctx, f.Workflow, f.ID, admin.TaskSelection{TaskID: f.TaskID})
	}},
	"retry-workflow-task": {"Retry the workflow task of %s (replay its code)?", "Retry the workflow task", func(ctx context.Context, a *admin.Admin, f actionForm) (string, error) {
		return f.ID, a.RetryWorkflowTask(ctx, f.Workflow, f.ID)
	}},
	"complete-timers": {"Complete the pending timers of %s now?", "Complete the timers", func(ctx context.Context, a *admin.Admin, f actionForm) (string, error) {
		return f.ID, a.CompleteTimers(ctx, f.Workflow, f.ID)
	}},
	"signal": {"Send this value to channel %[2]s of %[1]s?", "Send the value", func(ctx context.Context, a *admin.Admin, f actionForm) (string, error) {
		return f.ID, a.Signal(ctx, f.Workflow, f.ID, f.Channel, json.RawMessage(f.Value))
	}},
	"start": {"Start workflow %[3]s?", "Start the workflow", func(ctx context.Context, a *admin.Admin, f actionForm) (string, error) {
		return a.Start(ctx, f.Workflow, f.Method, json.RawMessage(f.Value), admin.StartOptions{ID: f.ID, CustomID: f.CustomID, Tags: f.tags()})
	}},
}

// actionResults say what a finished action did, by operation.
var actionResults = map[string]string{
	"cancel":              "Cancellation requested.",
	"retry-tasks":         "Retry of the failed tasks requested.",
	"retry-workflow-task": "Retry of the workflow task requested.",
	"complete-timers":     "Completion of the pending timers requested.",
	"signal":              "Value sent.",
	"start":               "Workflow started.",
}

// actionForm is the form of an action.
type actionForm struct {
	Op        string
	Workflow  string
	ID        string
	Reason    string // cancel
	TaskID    string // retry-tasks: only this task
	Channel   string // signal
	Value     string // signal: the value; start: the input
	Method    string // start
	CustomID  string // start
	Tags      string // start: comma-separated
	Confirmed bool
}

func (f actionForm) tags() []string {
	var tags []string
	for t := range strings.SplitSeq(f.Tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// target names the instance (or the workflow, to start) in messages.
func (f actionForm) target() string {
	if f.ID == "" {
		return f.Workflow
	}
	return f.Workflow + " " + f.ID
}

type confirmData struct {
	Form     actionForm
	Question string
	Button   string
	Back     string
}

type resultData struct {
	Error string
	Back  string
}

func (d *Dashboard) action(w http.ResponseWriter, r *http.Request) {
	f := actionForm{Op: r.PostFormValue("op"), Workflow: strings.TrimSpace(r.PostFormValue("workflow")), ID: strings.TrimSpace(r.PostFormValue("id")),
		Reason: r.PostFormValue("reason"), TaskID: r.PostFormValue("taskId"), Channel: strings.TrimSpace(r.PostFormValue("channel")),
		Value: r.PostFormValue("value"), Method: strings.TrimSpace(r.PostFormValue("method")), CustomID: r.PostFormValue("customId"),
		Tags: r.PostFormValue("tags"), Confirmed: r.PostFormValue("confirmed") == "yes"}
	back := "./"
	if f.ID != "" {
		back = instanceHref(f.Workflow, f.ID)
	}
	act, ok := actions[f.Op]
	if !ok {
		d.render(w, http.StatusBadRequest, "result", "Unknown action", resultData{Error: fmt.Sprintf("unknown action %q", f.Op), Back: back})
		return
	}
	if f.Op == "signal" || f.Op == "start" {
		if f.Op == "start" && strings.TrimSpace(f.Value) == "" {
			f.Value = "null"
		}
		if !json.Valid([]byte(f.Value)) {
			d.render(w, http.StatusBadRequest, "result", "Invalid JSON", resultData{Error: "the value is not valid JSON: " + jsonError(f.Value), Back: back})
			return
		}
	}
	if !f.Confirmed {
		d.render(w, http.StatusOK, "confirm", "Confirm", confirmData{Form: f, Question: fmt.Sprintf(act.Title, f.target(), f.Channel, f.Workflow), Button: act.Button, Back: back})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), actionTimeout)
	defer cancel()
	id, err := act.run(ctx, d.admin, f)
	if err != nil {
		d.render(w, errorStatus(err), "result", "Action failed", resultData{Error: err.Error(), Back: back})
		return
	}
	http.Redirect(w, r, instanceHref(f.Workflow, id)+"&done="+f.Op, http.StatusSeeOther)
}

// errorStatus is the HTTP status of an action's error.
func errorStatus(err error) int {
	switch {
	case errors.Is(err, infinitic.ErrInstanceNotFound):
		return http.StatusNotFound
	case errors.Is(err, infinitic.ErrWorkflowFinished), errors.Is(err, infinitic.ErrNotFailed):
		return http.StatusConflict
	case errors.Is(err, admin.ErrInvalidJSON):
		return http.StatusBadRequest
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}

// jsonError says where s stops being JSON.
func jsonError(s string) string {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return err.Error()
	}
	return "unexpected content"
}
