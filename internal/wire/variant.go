package wire

import (
	"bytes"
	"fmt"
	"reflect"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/naming"
)

// variantMark starts a value sent on a channel with variants: the mark,
// the variant's wire name (naming.Table.Variant), a newline, then the
// encoded value. Like message ids, this format and the variant names are
// part of the protocol: values already sent must still be read.
var variantMark = []byte("\x00variant:")

// EncodeChannelValue encodes v, sent on channel (with variants, if the
// channel declares some: v is then marked with its variant's wire name).
func EncodeChannelValue(codec infinitic.Codec, names *naming.Table, channel string, variants []reflect.Type, v any) ([]byte, error) {
	b, err := codec.Marshal(v)
	if err != nil || variants == nil {
		return b, err
	}
	byName, err := names.Variants(variants)
	if err != nil {
		return nil, fmt.Errorf("%w: channel %s: %w", infinitic.ErrInvalidContract, channel, err)
	}
	t := reflect.TypeOf(v)
	for name, vt := range byName {
		if vt == t {
			return MarkVariant(name, b), nil
		}
	}
	return nil, fmt.Errorf("%w: channel %s: %v is not one of its variants", infinitic.ErrInvalidContract, channel, t)
}

// MarkVariant marks an encoded value with the wire name of its variant.
func MarkVariant(name string, value []byte) []byte {
	return append(append(append(bytes.Clone(variantMark), name...), '\n'), value...)
}

// SplitVariant returns the variant name and the encoded value of a
// channel value ("" and the payload itself when it has no variant mark).
func SplitVariant(payload []byte) (name string, value []byte) {
	rest, ok := bytes.CutPrefix(payload, variantMark)
	if !ok {
		return "", payload
	}
	n, value, ok := bytes.Cut(rest, []byte{'\n'})
	if !ok {
		return "", payload
	}
	return string(n), value
}
