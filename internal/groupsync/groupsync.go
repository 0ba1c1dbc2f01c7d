// Package groupsync runs an expensive action (an fsync, a request that
// triggers one) once for many callers: group commit.
//
// A caller that arrives while a round runs is served by the next round,
// which starts when the current one ends and serves every caller that
// arrived meanwhile. So a caller is only released by a round that started
// after it arrived: whatever it did before calling is covered. With a
// steady flow of callers, rounds run back to back and each costs one
// action however many callers it serves. A caller that knows the running
// round may be enough (its action reports what it covered) joins it
// instead (Join).
package groupsync

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Group coalesces calls of one action into rounds. Create it with New or
// NewLazy.
type Group struct {
	do   func(context.Context) error
	lazy time.Duration // see NewLazy

	mu      sync.Mutex
	running bool
	joined  []func(error) // served by the running round
	waiting []func(error) // served by the next round
	later   []func(error) // Then of a lazy group: served by the next round, which they do not start
	timer   *time.Timer   // starts a round for later
}

// New returns a Group running do in rounds. do receives a context that
// is never canceled: a round serves many callers and is not abandoned
// when one of them gives up.
func New(do func(context.Context) error) *Group { return &Group{do: do} }

// NewLazy returns a Group like New whose Then starts no round of its own
// before delay: its callbacks ride on the next round that a Wait or Join
// starts, or on one started after delay. For callbacks that need a round
// but not soon (acknowledgements): a round of their own would delay the
// callers that wait, who then wait for its end before theirs starts.
func NewLazy(do func(context.Context) error, delay time.Duration) *Group {
	return &Group{do: do, lazy: delay}
}

// Wait returns once a round that started after the call has ended, with
// its error, or when ctx ends, with ctx's error.
func (g *Group) Wait(ctx context.Context) error { return g.wait(ctx, &g.waiting) }

// Join returns once the next round to end has ended, with its error: the
// running round, or a new one when none runs. Unlike Wait, the round may
// have started before the call: for callers that can tell afterwards
// whether it covered them (and Wait if not).
func (g *Group) Join(ctx context.Context) error { return g.wait(ctx, &g.joined) }

// Then calls f, without blocking the caller, once a round that started
// after the call has ended, with the round's error (for a lazy group,
// see NewLazy). f runs on the round's goroutine, after the round and
// before the next one starts: it must not block.
func (g *Group) Then(f func(error)) {
	if g.lazy <= 0 {
		g.add(&g.waiting, f)
		return
	}
	g.mu.Lock()
	g.later = append(g.later, f)
	if !g.running {
		g.startLaterLocked()
	}
	g.mu.Unlock()
}

func (g *Group) wait(ctx context.Context, list *[]func(error)) error {
	done := make(chan error, 1)
	g.add(list, func(err error) { done <- err })
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// add queues f on list (g.waiting or g.joined), and starts the rounds if
// they had stopped.
func (g *Group) add(list *[]func(error), f func(error)) {
	g.mu.Lock()
	*list = append(*list, f)
	start := !g.running
	g.running = true
	g.mu.Unlock()
	if start {
		go g.rounds()
	}
}

// startLaterLocked makes g.later wait like Wait's callers after the lazy
// delay, unless a timer already will. g.mu is held.
func (g *Group) startLaterLocked() {
	if g.timer != nil {
		return
	}
	g.timer = time.AfterFunc(g.lazy, func() {
		g.mu.Lock()
		g.timer = nil
		g.waiting = append(g.waiting, g.later...)
		g.later = nil
		start := !g.running && len(g.waiting) > 0
		g.running = g.running || start
		g.mu.Unlock()
		if start {
			go g.rounds()
		}
	})
}

// rounds runs rounds while callers wait, then stops.
func (g *Group) rounds() {
	for {
		g.mu.Lock()
		if len(g.waiting) == 0 && len(g.joined) == 0 {
			g.running = false
			if len(g.later) > 0 {
				g.startLaterLocked()
			}
			g.mu.Unlock()
			return
		}
		batch := slices.Concat(g.waiting, g.later)
		g.waiting, g.later = nil, nil
		g.mu.Unlock()
		err := g.do(context.Background())
		g.mu.Lock()
		joined := g.joined // arrived before the round ended
		g.joined = nil
		g.mu.Unlock()
		for _, f := range append(batch, joined...) {
			f(err)
		}
	}
}
