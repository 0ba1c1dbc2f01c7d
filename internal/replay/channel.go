package replay

import (
	"slices"

	"github.com/infinitic-go/infinitic/internal/wire"
)

// channel holds the signals of one channel that no receive took yet, in
// arrival order.
//
// A receive takes a signal only when the code looks at it (awaits it, or
// a combination such as Any checks it): a receive abandoned after losing a
// race against a timer never swallows a later signal, which stays buffered
// for the next receive. Looks happen in the scheduler's fixed order, so
// who takes what is the same on every replay.
type channel struct {
	buffer []buffered
}

// buffered is a signal not taken yet, with its arrival rank among all the
// signals of the instance.
type buffered struct {
	signal *wire.Signal
	rank   int
}

func (rt *Runtime) channel(name string) *channel {
	ch, ok := rt.channels[name]
	if !ok {
		ch = &channel{}
		rt.channels[name] = ch
	}
	return ch
}

// Receive records a receive command on a channel and returns its future,
// settled by the oldest buffered signal that accept takes, when the code
// looks at it.
func (co *Coroutine) Receive(name string, accept func([]byte) bool, decode func([]byte) (any, error)) *Future {
	rt := co.rt
	pos := co.check(wire.Command{Kind: wire.CommandReceive, Target: name})
	if pos >= len(rt.cfg.Recorded) {
		rt.requests = append(rt.requests, Request{Command: wire.Command{Kind: wire.CommandReceive, Target: name}, Position: pos})
	}
	ch := rt.channel(name)
	f := rt.Derived(func(f *Future) {
		if co.interrupted() {
			f.Settle(Canceled, nil, rt.canceled)
			return
		}
		for i, b := range ch.buffer {
			if accept(b.signal.Payload) {
				ch.buffer = append(ch.buffer[:i], ch.buffer[i+1:]...)
				f.settleRaw(b.signal.Payload, nil)
				return
			}
		}
	})
	f.decode = decode
	return f
}

// Signal buffers a signal event, then runs the code until it blocks:
// waiting receives that accept it take it.
func (rt *Runtime) Signal(ev *wire.Event) {
	if rt.failure != nil {
		return
	}
	rt.now = ev.At
	ch := rt.channel(ev.Signal.Channel)
	rt.signals++
	ch.buffer = append(ch.buffer, buffered{ev.Signal, rt.signals})
	rt.run()
}

// Unreceived returns the signals that no receive took, in arrival order
// (a run that continues as new hands them to the next one).
func (rt *Runtime) Unreceived() []*wire.Signal {
	var all []buffered
	for _, ch := range rt.channels {
		all = append(all, ch.buffer...)
	}
	slices.SortFunc(all, func(a, b buffered) int { return a.rank - b.rank })
	out := make([]*wire.Signal, len(all))
	for i, b := range all {
		out[i] = b.signal
	}
	return out
}
