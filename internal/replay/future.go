package replay

import (
	"errors"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Status is the state of a Future.
type Status uint8

// Future statuses.
const (
	Unknown   Status = iota // no future (a zero Deferred)
	Ongoing                 // not settled yet
	Completed               // settled with a value
	Failed                  // settled with an error
	Canceled                // canceled before settling
	TimedOut                // a timeout fired first
)

func (s Status) String() string {
	return [...]string{"unknown", "ongoing", "completed", "failed", "canceled", "timed-out"}[s]
}

// Future is the eventual outcome of a command, a coroutine or a
// combination of futures. Futures are only touched by the coroutine that
// currently runs, so they need no locking.
type Future struct {
	rt     *Runtime
	status Status
	value  any
	err    error
	seq    int // settlement order, to break ties deterministically
	// decode turns a raw command output into the typed value.
	decode func([]byte) (any, error)
	// derive settles a combined future from its children, if it can.
	derive func(f *Future)
	// pos and cmd identify the command of a command future (pos -1 else).
	pos int
	cmd wire.Command
	req Request // what was asked, to ask again on a retry
}

// NewFuture returns an unsettled future whose raw output will be decoded
// with decode.
func (rt *Runtime) newFuture(decode func([]byte) (any, error)) *Future {
	return &Future{rt: rt, status: Ongoing, decode: decode, pos: -1}
}

// Derived returns a future settled by derive, which inspects other futures
// and calls Settle when the outcome is known.
func (rt *Runtime) Derived(derive func(f *Future)) *Future {
	return &Future{rt: rt, status: Ongoing, derive: derive, pos: -1}
}

// Settle fixes the outcome of f once; later calls are ignored.
func (f *Future) Settle(status Status, value any, err error) {
	if f.status != Ongoing {
		return
	}
	f.rt.seq++
	f.status, f.value, f.err, f.seq = status, value, err, f.rt.seq
}

// settleRaw settles a command future from its wire outcome.
func (f *Future) settleRaw(output []byte, err error) {
	if errors.Is(err, infinitic.ErrCanceled) {
		f.Settle(Canceled, nil, err)
		return
	}
	if err != nil {
		f.Settle(Failed, nil, err)
		return
	}
	v, derr := f.decode(output)
	if derr != nil {
		f.Settle(Failed, nil, derr)
		return
	}
	f.Settle(Completed, v, nil)
}

// Status returns the current status, settling derived futures first.
func (f *Future) Status() Status {
	if f == nil {
		return Unknown
	}
	if f.status == Ongoing && f.derive != nil {
		f.derive(f)
	}
	return f.status
}

// Settled reports whether the outcome is known.
func (f *Future) Settled() bool { return f.Status() != Ongoing }

// Outcome returns the value and error of a settled future.
func (f *Future) Outcome() (any, error) { return f.value, f.err }

// Seq returns the settlement order (0 while ongoing).
func (f *Future) Seq() int { return f.seq }

// Runtime returns the runtime of f (nil for a free-standing future).
func (f *Future) Runtime() *Runtime { return f.rt }

// Settled returns a free-standing future with a fixed outcome.
func Settled(status Status, value any, err error) *Future {
	return &Future{status: status, value: value, err: err, pos: -1}
}
