package dashboard

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/admin"
)

// instanceData is what the instance page shows.
type instanceData struct {
	In       *admin.Instance
	Input    json.RawMessage // of the main method
	Steps    []admin.Step
	Timeline timeline
	State    *snapshot // at the selected instant
	Channels []string  // of pending receives: where a value is awaited
	Result   string    // what the last action did
	Error    string
}

// instanceHref is the URL of an instance's page.
func instanceHref(workflow, id string) string {
	return "instance?" + url.Values{"workflow": {workflow}, "id": {id}}.Encode()
}

func (d *Dashboard) instance(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	workflow, id := q.Get("workflow"), q.Get("id")
	in, err := d.admin.Describe(ctx, workflow, id)
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, infinitic.ErrInstanceNotFound) {
			status = http.StatusNotFound
		}
		d.render(w, status, "instance", id, instanceData{In: &admin.Instance{Workflow: workflow, ID: id}, Error: err.Error()})
		return
	}
	data := instanceData{In: in, Result: actionResults[q.Get("done")]}
	if in.Status == admin.StatusRunning || in.Status == admin.StatusFailed {
		if data.Steps, err = d.admin.History(ctx, workflow, id); err != nil {
			data.Error = err.Error()
		}
	}
	for _, s := range data.Steps {
		if s.Kind == admin.StepStart && data.Input == nil {
			data.Input = s.Input
		}
		if s.Kind == admin.StepReceive && s.Status == admin.StepPending && !slices.Contains(data.Channels, s.Target) {
			data.Channels = append(data.Channels, s.Target)
		}
	}
	var at time.Time
	if v := q.Get("at"); v != "" {
		if at, err = time.Parse(time.RFC3339Nano, v); err != nil {
			data.Error = "at: " + err.Error()
		}
	}
	data.Timeline = layout(in, data.Steps, time.Now(), at)
	if !at.IsZero() {
		snap := stateAt(data.Steps, at)
		data.State = &snap
	}
	d.render(w, http.StatusOK, "instance", in.Workflow+" "+in.ID, data)
}

// prettyJSON indents a JSON value for display, cut after maxShown bytes.
func prettyJSON(v json.RawMessage) string {
	const maxShown = 16 << 10
	if len(v) == 0 {
		return ""
	}
	var out []byte
	if indented, err := json.MarshalIndent(v, "", "  "); err == nil {
		out = indented
	} else {
		out = v
	}
	if len(out) > maxShown {
		return string(out[:maxShown]) + "\n… (" + byteCount(len(out)) + " in all)"
	}
	return string(out)
}
