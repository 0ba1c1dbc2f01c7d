package wire

import (
	"fmt"
	"reflect"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/naming"
)

// EncodeValue encodes v, a method's result of static type t. When t is a
// sealed family (infinitic.Sealed), the payload is marked with the wire
// name of v's concrete type, so that DecodeValue can rebuild it.
func EncodeValue(codec infinitic.Codec, names *naming.Table, t reflect.Type, v any) ([]byte, error) {
	b, err := codec.Marshal(v)
	variants, sealed := names.Sealed(t)
	if err != nil || !sealed || v == nil {
		return b, err
	}
	byName, err := names.Variants(variants)
	if err != nil {
		return nil, fmt.Errorf("%w: sealed family %v: %w", infinitic.ErrInvalidContract, t, err)
	}
	vt := reflect.TypeOf(v)
	for name, typ := range byName {
		if typ == vt {
			return MarkVariant(name, b), nil
		}
	}
	return nil, fmt.Errorf("%w: %v is not a declared variant of sealed family %v (infinitic.Sealed)", infinitic.ErrInvalidContract, vt, t)
}

// DecodeValue decodes payload into ptr, a pointer to a value of a sealed
// family (a variant-marked payload: the concrete value is rebuilt) or of
// any other type.
func DecodeValue(codec infinitic.Codec, names *naming.Table, payload []byte, ptr any) error {
	name, value := SplitVariant(payload)
	target := reflect.ValueOf(ptr).Elem()
	variants, sealed := names.Sealed(target.Type())
	if name == "" || !sealed {
		return codec.Unmarshal(payload, ptr)
	}
	byName, err := names.Variants(variants)
	if err != nil {
		return fmt.Errorf("sealed family %v: %w", target.Type(), err)
	}
	vt, ok := byName[name]
	if !ok {
		return fmt.Errorf("unknown variant %q of sealed family %v", name, target.Type())
	}
	v := reflect.New(vt)
	if err := codec.Unmarshal(value, v.Interface()); err != nil {
		return err
	}
	target.Set(v.Elem())
	return nil
}
