package infinitic

import "reflect"

// Alias overrides a wire name (Infinitic's @Name). Wire names identify
// services, workflows and methods in messages and stored state: renaming a
// Go type or method must not orphan running workflows, so give the old name
// as an alias when you rename. Pass the same aliases to the client and to
// every worker (client.Config.Aliases, worker.Config.Aliases), which reject
// an invalid one with an error matching ErrInvalidContract.
type Alias struct {
	contract reflect.Type
	method   any
	wire     string
	family   reflect.Type   // Sealed: the interface type
	variants []reflect.Type // Sealed: its concrete types
}

// Name sets the wire name of T, a contract interface or a variant of a
// channel (see workflow.Channel.Variants); the default is its Go type name.
func Name[T any](wire string) Alias {
	return Alias{contract: reflect.TypeFor[T](), wire: wire}
}

// MethodName sets the wire name of a method, given as a method expression
// such as ImageUtil.Download (default: the Go method name).
func MethodName(method any, wire string) Alias {
	return Alias{method: method, wire: wire}
}

// Contract returns the type that a Name alias renames: a contract
// interface or a channel variant (nil for a MethodName alias).
func (a Alias) Contract() reflect.Type { return a.contract }

// Method returns the method expression that a MethodName alias renames
// (nil for a Name alias).
func (a Alias) Method() any { return a.method }

// Wire returns the wire name the alias sets.
func (a Alias) Wire() string { return a.wire }

// Sealed declares the concrete types of interface T, a sealed family (like
// Infinitic's sealed classes, and a channel's Variants) that service and
// workflow methods may return: a result of static type T travels with the
// wire name of its concrete type (its Go type name, or the one set with
// Name), and callers (Await, client.Get, workflow Call, CallChild) get back
// the concrete value as a T. Give it to the client and the workers with
// the aliases:
//
//	aliases := []infinitic.Alias{infinitic.Sealed[Shape](Circle{}, &Square{})}
//
// A method returning T fails with an ErrInvalidContract error when its
// value is of a type not declared here.
func Sealed[T any](examples ...T) Alias {
	a := Alias{family: reflect.TypeFor[T]()}
	for _, e := range examples {
		a.variants = append(a.variants, reflect.TypeOf(e)) // nil for a nil example: refused by the table
	}
	return a
}

// Family returns the interface type and its concrete types that a Sealed
// alias declares (nil for other aliases).
func (a Alias) Family() (reflect.Type, []reflect.Type) { return a.family, a.variants }
