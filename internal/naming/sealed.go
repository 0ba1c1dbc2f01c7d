package naming

import (
	"fmt"
	"reflect"
)

// SetSealed declares the concrete types of interface family, whose values
// travel with the wire name of their type (see infinitic.Sealed).
func (t *Table) SetSealed(family reflect.Type, variants []reflect.Type) error {
	if family.Kind() != reflect.Interface {
		return fmt.Errorf("%w: sealed family %v is not an interface type", ErrInvalid, family)
	}
	if len(variants) == 0 {
		return fmt.Errorf("%w: sealed family %v has no variant", ErrInvalid, family)
	}
	for _, v := range variants {
		if v == nil || !v.Implements(family) {
			return fmt.Errorf("%w: sealed family %v: variant %v does not implement it", ErrInvalid, family, v)
		}
	}
	if t.sealed == nil {
		t.sealed = map[reflect.Type][]reflect.Type{}
	}
	t.sealed[family] = variants
	return nil
}

// Sealed returns the concrete types declared for interface type family,
// and whether it is a sealed family.
func (t *Table) Sealed(family reflect.Type) ([]reflect.Type, bool) {
	if t == nil {
		return nil, false
	}
	v, ok := t.sealed[family]
	return v, ok
}
