package infinitic

import (
	"fmt"
	"reflect"

	"github.com/infinitic-go/infinitic/internal/naming"
)

// Alias overrides a wire name (Infinitic's @Name). Wire names identify
// services, workflows and methods in messages and stored state: renaming a
// Go type or method must not orphan running workflows, so give the old name
// as an alias when you rename. Pass the same aliases to the client and to
// every worker.
type Alias struct {
	apply func(*naming.Table) error
}

// Name sets the wire name of contract interface T (default: its Go name).
func Name[T any](wire string) Alias {
	return Alias{apply: func(t *naming.Table) error {
		return t.SetContract(reflect.TypeFor[T](), wire)
	}}
}

// MethodName sets the wire name of a method, given as a method expression
// such as ImageUtil.Download (default: the Go method name).
func MethodName(method any, wire string) Alias {
	return Alias{apply: func(t *naming.Table) error {
		m, err := naming.Parse(method)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidContract, err)
		}
		return t.SetMethod(m, wire)
	}}
}

// NamingTable builds the table of aliases. It is used by the client and
// the worker; users do not need it.
func NamingTable(aliases []Alias) (*naming.Table, error) {
	t := &naming.Table{}
	for _, a := range aliases {
		if a.apply == nil {
			continue
		}
		if err := a.apply(t); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidContract, err)
		}
	}
	return t, nil
}
