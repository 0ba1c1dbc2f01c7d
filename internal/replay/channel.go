package replay

import (
	"github.com/infinitic-go/infinitic/internal/wire"
)

// channel holds the signals of one channel nobody received yet, and the
// receives waiting for a signal, both in arrival order.
//
// A signal settles every waiting receive that accepts it (so a receive
// abandoned after losing a race against a timer does not swallow the
// signal meant for the next receive); a signal no receive waits for is
// buffered for the next receive that accepts it.
type channel struct {
	buffer    []*wire.Signal
	receivers []*receiver
}

type receiver struct {
	future *Future
	accept func(payload []byte) bool
}

func (rt *Runtime) channel(name string) *channel {
	ch, ok := rt.channels[name]
	if !ok {
		ch = &channel{}
		rt.channels[name] = ch
	}
	return ch
}

// Receive records a receive command on a channel and returns its future:
// settled at once by the oldest buffered signal that accept takes, or
// later by the first such signal to arrive.
func (co *Coroutine) Receive(name string, accept func([]byte) bool, decode func([]byte) (any, error)) *Future {
	rt := co.rt
	pos := co.check(wire.Command{Kind: wire.CommandReceive, Target: name})
	if pos >= len(rt.cfg.Recorded) {
		rt.requests = append(rt.requests, Request{Command: wire.Command{Kind: wire.CommandReceive, Target: name}, Position: pos})
	}
	f := rt.newFuture(decode)
	ch := rt.channel(name)
	for i, s := range ch.buffer {
		if accept(s.Payload) {
			ch.buffer = append(ch.buffer[:i], ch.buffer[i+1:]...)
			f.settleRaw(s.Payload, nil)
			return f
		}
	}
	ch.receivers = append(ch.receivers, &receiver{future: f, accept: accept})
	return f
}

// Signal delivers a signal event to every waiting receive that accepts
// it, or buffers it, then runs the code until it blocks.
func (rt *Runtime) Signal(ev *wire.Event) {
	if rt.failure != nil {
		return
	}
	rt.now = ev.At
	ch := rt.channel(ev.Signal.Channel)
	waiting := ch.receivers[:0]
	delivered := false
	for _, r := range ch.receivers {
		if r.accept(ev.Signal.Payload) {
			r.future.settleRaw(ev.Signal.Payload, nil)
			delivered = true
		} else {
			waiting = append(waiting, r)
		}
	}
	ch.receivers = waiting
	if !delivered {
		ch.buffer = append(ch.buffer, ev.Signal)
	}
	rt.run()
}
