package engine

import (
	"context"
	"time"

	"github.com/infinitic-go/infinitic/internal/customid"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Signal-with-start is one dispatch message carrying a signal
// (wire.Dispatch.Signal): the engine of the instance starts it unless it
// was dispatched already, then applies the signal, in one step saved with
// compare-and-set. Two racing signal-with-starts, or one racing a start,
// are thus serialized by the instance's engine like any two messages: one
// starts the instance, the other joins it, and both signals are received.
//
// By custom id, the instance to start is not known by the sender: the
// engine that gets the message claims the custom id before applying it
// (routeSignalsWithStart) and forwards it to the instance that owns it.

// applyStartSignal applies the signal of a signal-with-start once its
// dispatch started (or joined) the instance, and answers the sender with
// the instance's id: received, or refused because the instance ended.
func (e *WorkflowEngine) applyStartSignal(in *instance, s *wire.Signal, now time.Time) {
	refused := e.signal(in, s, now)
	if s.ReplyTo != "" {
		in.direct = append(in.direct, outgoing(wire.ReplyMessage(s.ReplyTo, s.ID, []byte(in.id), wire.FromError(refused))))
	}
}

// routeSignalsWithStart claims the custom id of each signal-with-start of
// envs that could start an instance (this one is not running) and returns
// the envelopes to apply here: those whose custom id this instance owns
// now. The others are forwarded to the owner, a running instance or one
// about to start. A message for an instance that ended claims the custom
// id for a new instance, whose id derives from the signal (the same after
// a crash), and is forwarded to it: like Temporal, a signal-with-start
// after the end starts a new run, here a new instance owning the custom id.
func (e *WorkflowEngine) routeSignalsWithStart(ctx context.Context, in *instance, envs []*wire.Envelope) ([]*wire.Envelope, error) {
	var kept []*wire.Envelope
	for i, env := range envs {
		d := env.Dispatch
		cid, byCustomID := "", false
		if env.Kind == wire.KindDispatch && d.Signal != nil {
			cid, byCustomID = wire.CustomIDOf(d.Tags)
		}
		if !byCustomID || (in.state != nil && in.state.Status == wire.StatusRunning) {
			if kept != nil {
				kept = append(kept, env)
			}
			continue
		}
		candidate := in.id
		if in.state != nil && in.state.Status != 0 {
			candidate = wire.StartedBySignalID(d.Signal.ID)
		}
		owner, err := customid.Claim(ctx, e.Store, e.contract.Name, cid, candidate)
		if err != nil {
			return nil, err
		}
		if kept == nil {
			kept = append(make([]*wire.Envelope, 0, len(envs)), envs[:i]...)
		}
		if owner == in.id {
			kept = append(kept, env)
			continue
		}
		m := wire.SignalWithStartMessage(e.contract.Name, owner, d)
		m.Envelope.Headers = env.Headers
		in.direct = append(in.direct, outgoing(m))
	}
	if kept == nil {
		return envs, nil
	}
	return kept, nil
}
