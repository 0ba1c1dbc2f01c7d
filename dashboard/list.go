package dashboard

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/internal/naming"
)

// statuses are the statuses the list filters on, in display order.
var statuses = []admin.Status{admin.StatusRunning, admin.StatusFailed, admin.StatusCompleted, admin.StatusCanceled}

// countCap bounds each count: counting reads every matching instance.
const countCap = 1000

// pageSize is how many instances a page of the list shows.
const pageSize = 50

// listQuery is the search of the list page, as in its URL.
type listQuery struct {
	Workflow string
	Status   []string
	Tag      string
	CustomID string
	From, To string // datetime-local values (UTC)
	After    string // cursor of the page
}

func parseListQuery(q url.Values) listQuery {
	return listQuery{Workflow: strings.TrimSpace(q.Get("workflow")), Status: q["status"], Tag: q.Get("tag"),
		CustomID: q.Get("customId"), From: q.Get("from"), To: q.Get("to"), After: q.Get("after")}
}

// values is the query as URL values (without the page cursor).
func (q listQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("workflow", q.Workflow)
	for _, s := range q.Status {
		v.Add("status", s)
	}
	set("tag", q.Tag)
	set("customId", q.CustomID)
	set("from", q.From)
	set("to", q.To)
	return v
}

// filter is the admin filter of the query.
func (q listQuery) filter() (admin.Filter, error) {
	f := admin.Filter{Tag: q.Tag, CustomID: q.CustomID}
	for _, s := range q.Status {
		if !slices.Contains(statuses, admin.Status(s)) {
			return f, fmt.Errorf("unknown status %q", s)
		}
		f.Status = append(f.Status, admin.Status(s))
	}
	var err error
	if f.StartedAfter, err = parseTime("from", q.From); err != nil {
		return f, err
	}
	f.StartedBefore, err = parseTime("to", q.To)
	return f, err
}

// parseTime reads a datetime-local value (UTC) or an RFC 3339 time.
func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339Nano} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s: %q is not a time like 2026-12-01T09:30", field, s)
}

// count is the number of instances of a status (Capped: at least N).
type count struct {
	Status admin.Status
	N      int
	Capped bool
	Href   string
}

func (c count) String() string {
	if c.Capped {
		return strconv.Itoa(c.N) + "+"
	}
	return strconv.Itoa(c.N)
}

// overviewRow is a workflow with its counts per status.
type overviewRow struct {
	Workflow string
	Href     string
	Counts   []count
}

type listData struct {
	Query     listQuery
	Statuses  []statusOption
	Workflows []string
	Overview  []overviewRow     // without a workflow: counts of each
	Counts    []count           // with a workflow: its counts per status
	Instances []*admin.Instance // with a workflow: the page
	First     string            // URL of the first page, when on a later one
	Next      string            // URL of the next page
	Error     string
}

type statusOption struct {
	Name    admin.Status
	Checked bool
}

func (d *Dashboard) list(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := parseListQuery(r.URL.Query())
	data := listData{Query: q, Workflows: d.workflows(ctx)}
	for _, s := range statuses {
		data.Statuses = append(data.Statuses, statusOption{Name: s, Checked: slices.Contains(q.Status, string(s))})
	}
	status := http.StatusOK
	f, err := q.filter()
	if err == nil && q.Workflow != "" {
		err = naming.Validate(q.Workflow)
	}
	if err != nil {
		data.Error = err.Error()
		d.render(w, http.StatusBadRequest, "list", "Instances", data)
		return
	}
	if q.Workflow == "" {
		for _, wf := range data.Workflows {
			row := overviewRow{Workflow: wf, Href: "?" + listQuery{Workflow: wf}.values().Encode()}
			if row.Counts, err = d.counts(r, listQuery{Workflow: wf}, admin.Filter{}); err != nil {
				break
			}
			data.Overview = append(data.Overview, row)
		}
	} else if data.Counts, err = d.counts(r, q, f); err == nil {
		var page admin.Page
		page, err = d.admin.List(ctx, q.Workflow, f, pageSize, q.After)
		data.Instances = page.Instances
		if page.Next != "" {
			v := q.values()
			v.Set("after", page.Next)
			data.Next = "?" + v.Encode()
		}
		if q.After != "" {
			data.First = "?" + q.values().Encode()
		}
	}
	if err != nil {
		data.Error = err.Error()
		status = http.StatusInternalServerError
	}
	d.render(w, status, "list", "Instances", data)
}

// counts returns how many instances of q's workflow matching f, per status.
func (d *Dashboard) counts(r *http.Request, q listQuery, f admin.Filter) ([]count, error) {
	var out []count
	for _, s := range statuses {
		if len(f.Status) > 0 && !slices.Contains(f.Status, s) {
			continue
		}
		g := f
		g.Status = []admin.Status{s}
		page, err := d.admin.List(r.Context(), q.Workflow, g, countCap, "")
		if err != nil {
			return nil, err
		}
		link := q
		link.Status, link.After = []string{string(s)}, ""
		out = append(out, count{Status: s, N: len(page.Instances), Capped: page.Next != "", Href: "?" + link.values().Encode()})
	}
	return out, nil
}
