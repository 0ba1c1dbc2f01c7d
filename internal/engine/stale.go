package engine

import (
	"context"
	"sync"
)

// staleDeleter deletes in the background the index entries that committed
// steps made stale (see unindex): the step's messages, and the callers
// waiting on them, do not wait for these deletes.
type staleDeleter struct {
	e     *WorkflowEngine
	ctx   context.Context
	slots chan struct{} // one per group being deleted: beyond, add waits
	wg    sync.WaitGroup
}

func newStaleDeleter(ctx context.Context, e *WorkflowEngine, n int) *staleDeleter {
	return &staleDeleter{e: e, ctx: ctx, slots: make(chan struct{}, n)}
}

// add deletes the stale entries of rs in the background.
func (d *staleDeleter) add(rs []applied) {
	var stale []staleEntry
	for _, r := range rs {
		stale = append(stale, r.res.stale...)
	}
	if len(stale) == 0 {
		return
	}
	d.slots <- struct{}{}
	d.wg.Go(func() {
		defer func() { <-d.slots }()
		d.e.deleteStale(d.ctx, stale)
	})
}

// wait returns when every entry added is deleted (or failed to be).
func (d *staleDeleter) wait() { d.wg.Wait() }
