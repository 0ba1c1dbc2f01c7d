package naming

import (
	"fmt"
	"reflect"
)

// Alias is one wire-name override, as infinitic.Alias describes it: of a
// type, contract or channel variant (Contract set), or of a method
// expression (Method set).
type Alias interface {
	Contract() reflect.Type
	Method() any
	Wire() string
	Family() (reflect.Type, []reflect.Type)
}

// NewTable builds the table of aliases. An alias with neither a contract
// nor a method (a zero infinitic.Alias) is ignored.
func NewTable[A Alias](aliases []A) (*Table, error) {
	t := &Table{}
	for _, a := range aliases {
		family, variants := a.Family()
		switch {
		case family != nil:
			if err := t.SetSealed(family, variants); err != nil {
				return nil, err
			}
		case a.Contract() != nil:
			if err := t.SetType(a.Contract(), a.Wire()); err != nil {
				return nil, err
			}
		case a.Method() != nil:
			m, err := Parse(a.Method())
			if err != nil {
				return nil, err
			}
			if err := t.SetMethod(m, a.Wire()); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", m.Contract.Name(), m.Name, err)
			}
		}
	}
	return t, nil
}
