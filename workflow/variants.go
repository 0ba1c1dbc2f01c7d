package workflow

import (
	"bytes"
	"fmt"
	"reflect"

	"github.com/infinitic-go/infinitic"
)

// variantMark starts the payload of a value sent on a channel with
// variants: the mark, the variant's name, a newline, then the value.
var variantMark = []byte("\x00variant:")

// Variants declares the concrete types that a channel of interface type T
// carries, like the subclasses of a sealed class in Infinitic: each value
// is sent with the name of its type, Receive gives back the concrete value
// (as a T), and ReceiveOf receives only the values of one type.
//
//	var Events = workflow.NewChannel[Order, OrderEvent]("events").Variants(Paid{}, Shipped{})
func (c Channel[W, T]) Variants(examples ...T) Channel[W, T] {
	c.variants = map[string]reflect.Type{}
	for _, e := range examples {
		t := reflect.TypeOf(e)
		if t == nil {
			c.err = fmt.Errorf("%w: channel %s: a nil variant", infinitic.ErrInvalidContract, c.name)
			continue
		}
		c.variants[t.String()] = t
	}
	return c
}

// Encode encodes a value for the channel with codec (marking its variant,
// if the channel has variants). Senders use it; users need not.
func (c Channel[W, T]) Encode(codec infinitic.Codec, v T) ([]byte, error) {
	b, err := codec.Marshal(v)
	if err != nil || c.variants == nil {
		return b, err
	}
	t := reflect.TypeOf(v)
	if t == nil || c.variants[t.String()] != t {
		return nil, fmt.Errorf("%w: channel %s: %v is not one of its variants", infinitic.ErrInvalidContract, c.name, t)
	}
	return append(append(append(bytes.Clone(variantMark), t.String()...), '\n'), b...), nil
}

// splitVariant returns the variant name and the encoded value of a payload
// ("" and the payload itself when it has no variant mark).
func splitVariant(payload []byte) (string, []byte) {
	rest, ok := bytes.CutPrefix(payload, variantMark)
	if !ok {
		return "", payload
	}
	name, value, ok := bytes.Cut(rest, []byte{'\n'})
	if !ok {
		return "", payload
	}
	return string(name), value
}

// decodeVariant rebuilds the concrete value of a variant payload as a T.
func (c Channel[W, T]) decodeVariant(codec infinitic.Codec) func([]byte) (any, error) {
	return func(payload []byte) (any, error) {
		name, value := splitVariant(payload)
		vt, ok := c.variants[name]
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
	name := reflect.TypeFor[V]().String()
	if c.err == nil && c.variants[name] == nil {
		return failed[V](fmt.Errorf("%w: channel %s has no variant %s", infinitic.ErrInvalidContract, c.name, name))
	}
	return receive[V](ctx, c.name, c.err, opts, func(payload []byte) bool {
		got, _ := splitVariant(payload)
		return got == name
	}, func(codec infinitic.Codec) func([]byte) (any, error) {
		return func(payload []byte) (any, error) {
			_, value := splitVariant(payload)
			return decoder[V](codec)(value)
		}
	})
}
