package workflow

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Channel is a typed channel of workflow contract W carrying values of
// type T: clients and other workflows send to a running instance, the
// instance receives. Declare channels once, next to the contract, and
// share them between callers and the workflow:
//
//	var Approvals = workflow.NewChannel[ExpenseWorkflow, Approval]("approvals")
type Channel[W, T any] struct {
	name     string
	err      error
	variants []reflect.Type // see Variants
}

// NewChannel declares a channel of workflow W. name is its wire name
// (letters, digits, '_' and '-').
func NewChannel[W, T any](name string) Channel[W, T] {
	c := Channel[W, T]{name: name}
	if err := naming.Validate(name); err != nil {
		c.err = fmt.Errorf("%w: channel: %w", infinitic.ErrInvalidContract, err)
	} else if reflect.TypeFor[W]().Kind() != reflect.Interface {
		c.err = fmt.Errorf("%w: channel %s: %v is not a workflow interface", infinitic.ErrInvalidContract, name, reflect.TypeFor[W]())
	}
	return c
}

// Name returns the channel's wire name.
func (c Channel[W, T]) Name() string { return c.name }

// Err reports an invalid declaration.
func (c Channel[W, T]) Err() error { return c.err }

// ReceiveOption filters what a receive accepts.
type ReceiveOption func(*receiveOptions)

type receiveOptions struct {
	filters []func(doc any) bool
}

// Where accepts only values whose field at path (dot-separated JSON field
// names, like "order.status") equals value, compared as JSON: Infinitic's
// receive(jsonPath, criteria) for the common case. Values are decoded with
// the configured codec, then seen as JSON.
func Where(path string, value any) ReceiveOption {
	want, err := json.Marshal(value)
	return func(o *receiveOptions) {
		o.filters = append(o.filters, func(doc any) bool {
			if err != nil {
				return false
			}
			for _, field := range strings.Split(path, ".") {
				m, ok := doc.(map[string]any)
				if !ok {
					return false
				}
				if doc, ok = m[field]; !ok {
					return false
				}
			}
			got, err := json.Marshal(doc)
			return err == nil && string(got) == string(want)
		})
	}
}

// Receive returns a Deferred completed by the oldest value sent to the
// channel, not taken by another Receive, that the options accept: values
// sent before anyone waits are kept. A Receive takes its value only when
// the code looks at it (Await, Status, or a combination such as Any that
// checks it), so a Receive that lost a race against a timer does not
// swallow a later value: the next Receive gets it.
//
// Filters apply to the JSON form of the value, decoded with the
// instance's codec first (any codec works).
func (c Channel[W, T]) Receive(ctx Context, opts ...ReceiveOption) Deferred[T] {
	decode := func(names *naming.Table, codec infinitic.Codec) func([]byte) (any, error) {
		return decoder[T](codec, names)
	}
	if c.variants != nil {
		decode = c.decodeVariant
	}
	return receive[T](ctx, c.name, c.err, opts, func([]byte) bool { return true }, decode)
}

// receive records a receive of the values that accept and the options
// take, decoded with decode.
func receive[V any](ctx Context, name string, declErr error, opts []ReceiveOption, accept func([]byte) bool,
	decode func(*naming.Table, infinitic.Codec) func([]byte) (any, error)) Deferred[V] {
	if declErr != nil {
		return failed[V](declErr)
	}
	co, err := from(ctx)
	if err != nil {
		return failed[V](err)
	}
	var o receiveOptions
	for _, opt := range opts {
		opt(&o)
	}
	rt := co.Runtime()
	dec := decode(rt.Names(), rt.Codec())
	filtered := func(payload []byte) bool {
		if !accept(payload) {
			return false
		}
		if len(o.filters) == 0 {
			return true
		}
		doc, ok := jsonDoc(dec, payload)
		if !ok {
			return false
		}
		for _, f := range o.filters {
			if !f(doc) {
				return false
			}
		}
		return true
	}
	return Deferred[V]{f: co.Receive(name, filtered, dec)}
}

// jsonDoc decodes a channel payload with the instance's codec, then gives
// its JSON form as maps, for Where filters: they see JSON field names
// whatever the codec.
func jsonDoc(dec func([]byte) (any, error), payload []byte) (any, bool) {
	v, err := dec(payload)
	if err != nil {
		return nil, false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	var doc any
	return doc, json.Unmarshal(b, &doc) == nil
}

// Send sends v to the channel of the running instance id of workflow W,
// from workflow code. It is recorded like any command: replays do not send
// again. Delivery is asynchronous: a value sent to an instance that has
// not started yet is kept until it starts (for the receiving engine's
// early message life, worker.WithEarlyMessageLife); one sent to a
// finished instance, or to one that did not start in time, is dropped by
// its engine (and logged).
func (c Channel[W, T]) Send(ctx Context, id string, v T) error {
	if c.err != nil {
		return c.err
	}
	co, err := from(ctx)
	if err != nil {
		return err
	}
	rt := co.Runtime()
	workflow, err := rt.Names().Contract(reflect.TypeFor[W]())
	if err != nil {
		return fmt.Errorf("%w: %w", infinitic.ErrInvalidContract, err)
	}
	payload, err := wire.EncodeChannelValue(rt.Codec(), rt.Names(), c.name, c.variants, v)
	if err != nil {
		return fmt.Errorf("encode value for channel %s: %w", c.name, err)
	}
	co.Issue(replay.Request{
		Command: wire.Command{Kind: wire.CommandSend, Target: workflow + "." + c.name},
		Service: workflow, Method: c.name, ChildID: id, Input: payload,
	}, nil)
	return nil
}
