package workflow

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Target names the instance that SignalWithStart sends to: by ID or by
// CustomID, exactly one of them.
type Target struct {
	// ID is the instance id. An id names one instance for good: if that
	// instance already ended, the value is dropped by its engine (and
	// logged).
	ID string
	// CustomID is a custom id (client.WithCustomID): the value goes to the
	// instance that runs with it, or to a new instance that then owns it,
	// also when the previous owner ended.
	CustomID string
}

// SignalWithStart sends v to channel ch of the instance of W named by to,
// starting it first with method(in) if it does not run: one message that
// the engine of that instance applies in one step, so two senders (two
// workflows, or a workflow and a client) racing for one instance start it
// once and both values are received. It is recorded like any command:
// replays do not send again. Delivery is asynchronous, like Channel.Send:
// nobody waits for the instance, and SignalWithStart returns once the
// command is recorded. WithTags, WithMeta and WithWorkflowTimeout set the
// started instance's tags, metadata and deadline (only if this call starts
// it); other options are refused.
func SignalWithStart[W, I, O, T any](ctx Context, to Target, ch Channel[W, T], v T, method func(W, Context, I) (O, error), in I, opts ...Option) error {
	return signalWithStart(ctx, to, ch.name, ch.err, ch.variants, v, method, in, true, opts)
}

// SignalWithStart0 is SignalWithStart for a main method without argument.
func SignalWithStart0[W, O, T any](ctx Context, to Target, ch Channel[W, T], v T, method func(W, Context) (O, error), opts ...Option) error {
	return signalWithStart(ctx, to, ch.name, ch.err, ch.variants, v, method, nil, false, opts)
}

func signalWithStart(ctx Context, to Target, channel string, declErr error, variants []reflect.Type, v any, method any, in any, hasInput bool, opts []Option) error {
	if declErr != nil {
		return declErr
	}
	if (to.ID == "") == (to.CustomID == "") {
		return errors.New("workflow: SignalWithStart needs a Target with an ID or a CustomID (one of them)")
	}
	co, err := from(ctx)
	if err != nil {
		return err
	}
	o, err := applyOptions(opts, optionTags|optionMeta|optionWorkflowTimeout, "SignalWithStart")
	if err != nil {
		return err
	}
	if o.workflowTimeout < 0 {
		return fmt.Errorf("%w: workflow timeout %v: must be positive", infinitic.ErrInvalidContract, o.workflowTimeout)
	}
	rt := co.Runtime()
	start, err := request(rt, wire.CommandChild, method, in, hasInput)
	if err != nil {
		return err
	}
	payload, err := wire.EncodeChannelValue(rt.Codec(), rt.Names(), channel, variants, v)
	if err != nil {
		return fmt.Errorf("encode value for channel %s: %w", channel, err)
	}
	tags := o.tags
	if to.CustomID != "" {
		if err := wire.CheckID("custom id", to.CustomID, infinitic.MaxIDLength); err != nil {
			return err
		}
		tags = append(slices.Clip(tags), wire.CustomIDTag(to.CustomID))
	}
	co.Issue(replay.Request{
		Command: wire.Command{Kind: wire.CommandSignalWithStart, Target: start.Service + "." + channel},
		Service: start.Service, Method: channel, ChildID: to.ID, Input: payload,
		StartMethod: start.Method, StartInput: start.Input, Tags: tags, Meta: o.meta, Timeout: o.workflowTimeout,
	}, nil)
	return nil
}
