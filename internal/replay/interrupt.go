package replay

import (
	"maps"
	"slices"
	"time"

	"github.com/infinitic-go/infinitic/internal/wire"
)

// A cancel of the instance normally ends it in the engine, without running
// code. Code that asked for it (HandleCancel) gets the cancel instead, as
// an event of its history (position wire.CancelPosition): what it waited
// for settles as canceled, and what it asks for later fails at once with
// the same error, except in detached coroutines (SpawnDetached), where it
// runs its cleanup. Replays apply the event at the same point, so the code
// sees the same thing.

// HandleCancel makes a cancel of the instance reach the code; grace bounds
// how long the code may run after it (0: the call is ignored).
func (co *Coroutine) HandleCancel(grace time.Duration) {
	co.mutating()
	if grace > 0 {
		co.rt.cancelGrace = grace
	}
}

// CancelGrace is how long the code may run after a cancel reached it (0:
// the code does not handle cancels).
func (rt *Runtime) CancelGrace() time.Duration { return rt.cancelGrace }

// Canceled returns the error of the cancel that reached the code, or nil.
func (rt *Runtime) Canceled() error { return rt.canceled }

// Interrupt applies a cancel event: pending commands settle as canceled
// (their outcomes will be ignored), in position order, then the code runs
// until it blocks.
func (rt *Runtime) Interrupt(ev *wire.Event) {
	if rt.failure != nil || rt.canceled != nil {
		return
	}
	rt.now = ev.At
	rt.canceled = wire.ToError(ev.Error)
	for _, pos := range slices.Sorted(maps.Keys(rt.pending)) {
		f := rt.pending[pos]
		delete(rt.pending, pos)
		f.Settle(Canceled, nil, rt.canceled)
	}
	rt.run()
}

// interrupted tells whether what co asks for fails at once: the instance
// was canceled and co does not run cleanup code.
func (co *Coroutine) interrupted() bool { return co.rt.canceled != nil && !co.detached }

// SpawnDetached starts fn as a coroutine whose commands a cancel of the
// instance does not fail (nor those of the coroutines it spawns).
func (co *Coroutine) SpawnDetached(fn func(co *Coroutine) (any, error)) *Future {
	co.mutating()
	return co.rt.spawn(fn, true)
}
