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
// (by start time, then id), at most limit (1 to 1,000; 0: 100), from
// cursor after ("" for the first page; then the previous page's Next).
// The order is stable: instances started meanwhile sort before the first
// page, and a page never repeats or skips an instance whose status did not
// change.
//
// The instance index (kept by the engines as instances change status)
// gives the candidates by status and start time without a scan of the
// store; each candidate is then checked against its stored state, which
// also applies the tag, custom id and end time filters. So the result is
// exact at the time of each read: an index entry left over by a crash
// between its write and the state's is skipped (RepairIndex removes it).
// The cost is one store read per candidate: narrow the status and the
// start time range first.
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

// scan visits, in index order from cursor after, the instances f selects
// until visit returns false, and returns the cursor of the last visited.
func (a *Admin) scan(ctx context.Context, workflow string, f Filter, after string, visit func(*Instance) bool) (string, error) {
	statuses := f.Status
	if len(statuses) == 0 {
		statuses = []Status{StatusRunning, StatusCompleted, StatusFailed, StatusCanceled}
	}
	var cursors []*cursor
	for _, s := range statuses {
		ws, ok := wireStatus(s)
		if !ok {
			return "", fmt.Errorf("admin: unknown status %q (want running, completed, failed or canceled)", s)
		}
		c := &cursor{prefix: wire.IndexPrefix(workflow, ws)}
		// Newest first: a start before StartedBefore has a larger token,
		// one at or after StartedAfter a token at most its own.
		c.after = c.prefix + after
		if !f.StartedBefore.IsZero() {
			c.after = max(c.after, c.prefix+wire.IndexTime(f.StartedBefore)+"/") // "/" sorts after "."
		}
		if !f.StartedAfter.IsZero() {
			c.stop = wire.IndexTime(f.StartedAfter) + "/"
		}
		cursors = append(cursors, c)
	}
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
		in, err := a.candidate(ctx, workflow, next.prefix, key)
		if err != nil {
			return "", err
		}
		if in == nil || !f.matches(in) {
			continue
		}
		last = nextSuffix
		if !visit(in) {
			return last, nil
		}
	}
}

// candidate reads the state an index key points to: nil if the entry is
// stale (no state, or a state whose status or start differs).
func (a *Admin) candidate(ctx context.Context, workflow, prefix, key string) (*Instance, error) {
	id, err := wire.ParseIndexKey(prefix, key)
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
	if wire.IndexKey(st) != key {
		return nil, nil
	}
	return describe(st), nil
}

func (f Filter) matches(in *Instance) bool {
	between := func(t, from, to time.Time) bool {
		return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
	}
	return (f.Tag == "" || slices.Contains(in.Tags, f.Tag)) &&
		(f.CustomID == "" || in.CustomID == f.CustomID) &&
		between(in.Started, f.StartedAfter, f.StartedBefore) &&
		((f.EndedAfter.IsZero() && f.EndedBefore.IsZero()) || (!in.Ended.IsZero() && between(in.Ended, f.EndedAfter, f.EndedBefore)))
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
