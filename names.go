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
