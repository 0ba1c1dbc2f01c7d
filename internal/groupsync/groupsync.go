// Package groupsync runs an expensive action (an fsync, a request that
// triggers one) once for many callers: group commit.
//
// A caller that arrives while a round runs is served by the next round,
// which starts when the current one ends and serves every caller that
// arrived meanwhile. So a caller is only released by a round that started
// after it arrived: whatever it did before calling is covered. With a
// steady flow of callers, rounds run back to back and each costs one
// action however many callers it serves.
package groupsync

import (
	"context"
	"sync"
)

// Group coalesces calls of one action into rounds. Create it with New.
type Group struct {
	do func(context.Context) error

	mu      sync.Mutex
	running bool
	waiting []func(error) // served by the next round
}

// New returns a Group running do in rounds. do receives a context that
// is never canceled: a round serves many callers and is not abandoned
// when one of them gives up.
func New(do func(context.Context) error) *Group { return &Group{do: do} }

// Wait returns once a round that started after the call has ended, with
// its error, or when ctx ends, with ctx's error.
func (g *Group) Wait(ctx context.Context) error {
	done := make(chan error, 1)
	g.Then(func(err error) { done <- err })
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Then calls f, without blocking the caller, once a round that started
// after the call has ended, with the round's error. f runs on the round's
// goroutine: it must not block.
func (g *Group) Then(f func(error)) {
	g.mu.Lock()
	g.waiting = append(g.waiting, f)
	start := !g.running
	g.running = true
	g.mu.Unlock()
	if start {
		go g.rounds()
	}
}

// rounds runs rounds while callers wait, then stops.
func (g *Group) rounds() {
	for {
		g.mu.Lock()
		batch := g.waiting
		g.waiting = nil
		if len(batch) == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		err := g.do(context.Background())
		for _, f := range batch {
			f(err)
		}
	}
}
