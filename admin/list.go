package admin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Filter selects instances for List and Count. Zero fields select all.
type Filter struct {
	// Status: any of these (none: all of running, completed, failed and
	// canceled; pending instances are not listed).
	Status []Status
	// Tag and CustomID: instances that have this tag, this custom id.
	Tag, CustomID string
	// Search: conditions on the search fields set by workflow code
	// (workflow.SetSearch), all of which must hold.
	Search []Cond
	// OrderBy names a search field: list only the instances that have it,
	// by its value, ascending (then newest first). Default: all instances,
	// newest first.
	OrderBy string
	// Started and ended in [After, Before): zero bounds are open.
	StartedAfter, StartedBefore time.Time
	EndedAfter, EndedBefore     time.Time
}

// Page is one page of List.
type Page struct {
	Instances []*Instance `json:"instances"`
	// Next is the cursor of the next page ("" after the last one).
	Next string `json:"next,omitempty"`
}

// List returns the instances of workflow that f selects, newest first
// (by start time, then id; or by f.OrderBy), at most limit (1 to 1,000; 0: 100), from
// cursor after ("" for the first page; then the previous page's Next).
// The order is stable: instances started meanwhile sort before the first
// page, and a page never repeats or skips an instance whose status did not
// change.
//
// The instance index (kept by the engines as instances change status)
// gives the candidates without a scan of the store, from its most
// selective view: the custom id, else the tag, else the first search
// condition with "=", else the OrderBy field, else every instance; by
// status and start time. Each candidate is then checked against its
// stored state, which applies the other conditions. So the result is
// exact at the time of each read: an index entry left over by a crash
// between its write and the state's is skipped (RepairIndex removes it).
// The cost is one store read per candidate: give a custom id, a tag or an
// equality on a search field, and narrow the status and start time range.
func (a *Admin) List(ctx context.Context, workflow string, f Filter, limit int, after string) (Page, error) {
	if err := names(workflow); err != nil {
		return Page{}, err
	}
	switch {
	case limit == 0:
		limit = 100
	case limit < 0 || limit > 1000:
		return Page{}, fmt.Errorf("admin: limit %d: want 1 to 1,000", limit)
	}
	var page Page
	last, err := a.scan(ctx, workflow, f, after, func(in *Instance) bool {
		page.Instances = append(page.Instances, in)
		return len(page.Instances) < limit
	})
	if err != nil {
		return Page{}, err
	}
	if len(page.Instances) == limit {
		page.Next = last
	}
	return page, nil
}

// Count returns how many instances of workflow f selects (one store read
// per candidate, like List).
func (a *Admin) Count(ctx context.Context, workflow string, f Filter) (int, error) {
	if err := names(workflow); err != nil {
		return 0, err
	}
	n := 0
	_, err := a.scan(ctx, workflow, f, "", func(*Instance) bool { n++; return true })
	return n, err
}

// indexPage is how many index keys a scan reads at once per status.
const indexPage = 256

// cursor is one status's run of index keys, read a page at a time.
type cursor struct {
	prefix string
	keys   []string // read, not consumed yet
	after  string   // the last key read
	done   bool     // no more keys
	stop   string   // keys after this suffix are out of the start range ("" none)
}

func (c *cursor) peek(ctx context.Context, a *Admin) (string, error) {
	if len(c.keys) == 0 && !c.done {
		keys, err := a.st.Keys(ctx, c.prefix, c.after, indexPage)
		if err != nil {
			return "", err
		}
		c.keys, c.done = keys, len(keys) < indexPage
		if len(keys) > 0 {
			c.after = keys[len(keys)-1]
		}
	}
	if len(c.keys) == 0 {
		return "", nil
	}
	suffix := strings.TrimPrefix(c.keys[0], c.prefix)
	if c.stop != "" && suffix > c.stop {
		c.keys, c.done = nil, true
		return "", nil
	}
	return suffix, nil
}

// query is a Filter checked and ready to match states.
type query struct {
	Filter
	tokens   []string // the tokens of Search's values
	statuses []wire.Status
}

func newQuery(f Filter) (*query, error) {
	q := &query{Filter: f}
	statuses := f.Status
	if len(statuses) == 0 {
		statuses = []Status{StatusRunning, StatusCompleted, StatusFailed, StatusCanceled}
	}
	for _, s := range statuses {
		ws, ok := wireStatus(s)
		if !ok {
			return nil, fmt.Errorf("admin: unknown status %q (want running, completed, failed or canceled)", s)
		}
		q.statuses = append(q.statuses, ws)
	}
	for _, c := range f.Search {
		tok, err := c.token()
		if err != nil {
			return nil, err
		}
		q.tokens = append(q.tokens, tok)
	}
	if f.OrderBy != "" {
		if err := wire.CheckSearchName(f.OrderBy); err != nil {
			return nil, fmt.Errorf("admin: order by: %w", err)
		}
	}
	return q, nil
}

// cursors returns the runs of index keys to merge for workflow, from
// cursor after.
func (q *query) cursors(workflow, after string) []*cursor {
	if q.OrderBy != "" {
		// One run over all the values of the field, from the bounds that
		// conditions on it give.
		c := &cursor{prefix: string(wire.ViewSearch(workflow, q.OrderBy, ""))}
		c.after = c.prefix + after
		for i, cond := range q.Search {
			if cond.Field != q.OrderBy {
				continue
			}
			tok := q.tokens[i]
			switch cond.Op {
			case Eq, Ge:
				c.after = max(c.after, c.prefix+tok)
			case Gt:
				c.after = max(c.after, c.prefix+tok+"/") // "/" sorts after "."
			}
			switch cond.Op {
			case Eq, Le:
				c.stop = minStop(c.stop, tok+"/")
			case Lt:
				c.stop = minStop(c.stop, tok)
			}
		}
		return []*cursor{c}
	}
	view := wire.ViewAll(workflow)
	switch eq := slices.IndexFunc(q.Search, func(c Cond) bool { return c.Op == Eq }); {
	case q.CustomID != "":
		view = wire.ViewTag(workflow, wire.CustomIDTag(q.CustomID))
	case q.Tag != "":
		view = wire.ViewTag(workflow, q.Tag)
	case eq >= 0:
		view = wire.ViewSearch(workflow, q.Search[eq].Field, q.tokens[eq])
	}
	var cursors []*cursor
	for _, s := range q.statuses {
		c := &cursor{prefix: view.Prefix(s)}
		// Newest first: a start before StartedBefore has a larger token,
		// one at or after StartedAfter a token at most its own.
		c.after = c.prefix + after
		if !q.StartedBefore.IsZero() {
			c.after = max(c.after, c.prefix+wire.IndexTime(q.StartedBefore)+"/")
		}
		if !q.StartedAfter.IsZero() {
			c.stop = wire.IndexTime(q.StartedAfter) + "/"
		}
		cursors = append(cursors, c)
	}
	return cursors
}

// minStop is the tighter of two stops ("" is none).
func minStop(a, b string) string {
	if a == "" {
		return b
	}
	return min(a, b)
}

// scan visits, in index order from cursor after, the instances f selects
// until visit returns false, and returns the cursor of the last visited.
func (a *Admin) scan(ctx context.Context, workflow string, f Filter, after string, visit func(*Instance) bool) (string, error) {
	q, err := newQuery(f)
	if err != nil {
		return "", err
	}
	cursors := q.cursors(workflow, after)
	last := ""
	for {
		// Merge the statuses' runs: the smallest suffix next.
		var next *cursor
		var nextSuffix string
		for _, c := range cursors {
			suffix, err := c.peek(ctx, a)
			if err != nil {
				return "", fmt.Errorf("admin: list %s: %w", workflow, err)
			}
			if suffix != "" && (next == nil || suffix < nextSuffix) {
				next, nextSuffix = c, suffix
			}
		}
		if next == nil {
			return last, nil
		}
		key := next.keys[0]
		next.keys = next.keys[1:]
		st, err := a.candidate(ctx, workflow, key)
		if err != nil {
			return "", err
		}
		if st == nil || !q.matches(st) {
			continue
		}
		last = nextSuffix
		if !visit(describe(st)) {
			return last, nil
		}
	}
}

// candidate reads the state an index key points to: nil if the entry is
// stale (no state, or a state that the key no longer indexes).
func (a *Admin) candidate(ctx context.Context, workflow, key string) (*wire.State, error) {
	id, err := wire.IndexID(key)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	st, err := wire.ReadState(ctx, a.st, workflow, id)
	if errors.Is(err, infinitic.ErrInstanceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	if !slices.Contains(wire.IndexKeys(st), key) {
		return nil, nil
	}
	return st, nil
}

func (q *query) matches(st *wire.State) bool {
	between := func(t, from, to time.Time) bool {
		return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
	}
	for i, c := range q.Search {
		tok, ok := st.Search[c.Field]
		if !c.holds(tok, ok, q.tokens[i]) {
			return false
		}
	}
	custom, _ := wire.CustomIDOf(st.Tags)
	return slices.Contains(q.statuses, st.Status) &&
		(q.Tag == "" || slices.Contains(st.Tags, q.Tag)) &&
		(q.CustomID == "" || custom == q.CustomID) &&
		between(st.Started, q.StartedAfter, q.StartedBefore) &&
		((q.EndedAfter.IsZero() && q.EndedBefore.IsZero()) || (!st.Ended.IsZero() && between(st.Ended, q.EndedAfter, q.EndedBefore)))
}

func wireStatus(s Status) (wire.Status, bool) {
	switch s {
	case StatusRunning:
		return wire.StatusRunning, true
	case StatusCompleted:
		return wire.StatusCompleted, true
	case StatusFailed:
		return wire.StatusFailed, true
	case StatusCanceled:
		return wire.StatusCanceled, true
	}
	return 0, false
}
