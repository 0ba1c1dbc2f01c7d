package workflow

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Variants declares the concrete types that a channel of interface type T
// carries, like the subclasses of a sealed class in Infinitic: each value
// is sent with the wire name of its type, Receive gives back the concrete
// value (as a T), and ReceiveOf receives only the values of one type.
//
//	var Events = workflow.NewChannel[Order, OrderEvent]("events").Variants(Paid{}, Shipped{})
//
// A variant's wire name is its Go type name (Paid), or the one set with
// infinitic.Name[Paid]("...") given to the client and the workers. Values
// already sent carry that name: when renaming a variant type, set its old
// name with infinitic.Name so that they are still received.
func (c Channel[W, T]) Variants(examples ...T) Channel[W, T] {
	c.variants = []reflect.Type{}
	for _, e := range examples {
		t := reflect.TypeOf(e)
		if t == nil {
			c.err = fmt.Errorf("%w: channel %s: a nil variant", infinitic.ErrInvalidContract, c.name)
			continue
		}
		c.variants = append(c.variants, t)
	}
	return c
}

// VariantTypes returns the types declared with Variants (nil for a channel
// without variants).
func (c Channel[W, T]) VariantTypes() []reflect.Type { return c.variants }

// decodeVariant rebuilds the concrete value of a variant payload as a T.
func (c Channel[W, T]) decodeVariant(names *naming.Table, codec infinitic.Codec) func([]byte) (any, error) {
	byName, err := names.Variants(c.variants)
	return func(payload []byte) (any, error) {
		if err != nil {
			return nil, fmt.Errorf("%w: channel %s: %w", infinitic.ErrInvalidContract, c.name, err)
		}
		name, value := wire.SplitVariant(payload)
		vt, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("%w: channel %s: unknown variant %q", infinitic.ErrDecode, c.name, name)
		}
		ptr := reflect.New(vt)
		if err := codec.Unmarshal(value, ptr.Interface()); err != nil {
			return nil, fmt.Errorf("%w: channel %s: variant %s: %w", infinitic.ErrDecode, c.name, name, err)
		}
		t, ok := ptr.Elem().Interface().(T)
		if !ok {
			return nil, fmt.Errorf("%w: channel %s: variant %s is not a %v", infinitic.ErrDecode, c.name, name, reflect.TypeFor[T]())
		}
		return t, nil
	}
}

// ReceiveOf is Receive for the values of one variant V of the channel
// (Infinitic's typed receive): other values stay for other receives.
func ReceiveOf[V, W, T any](ctx Context, c Channel[W, T], opts ...ReceiveOption) Deferred[V] {
	vt := reflect.TypeFor[V]()
	if c.err != nil {
		return failed[V](c.err)
	}
	if !slices.Contains(c.variants, vt) {
		return failed[V](fmt.Errorf("%w: channel %s has no variant %v", infinitic.ErrInvalidContract, c.name, vt))
	}
	co, err := from(ctx)
	if err != nil {
		return failed[V](err)
	}
	name, err := co.Runtime().Names().Variant(vt)
	if err != nil {
		return failed[V](fmt.Errorf("%w: channel %s: %w", infinitic.ErrInvalidContract, c.name, err))
	}
	return receive[V](ctx, c.name, nil, opts, func(payload []byte) bool {
		got, _ := wire.SplitVariant(payload)
		return got == name
	}, func(_ *naming.Table, codec infinitic.Codec) func([]byte) (any, error) {
		return func(payload []byte) (any, error) {
			_, value := wire.SplitVariant(payload)
			return decoder[V](codec, nil)(value)
		}
	})
}
