// Package engine holds the machinery behind the worker: the workflow
// engine (state machine, replay, outbox), the task executor and the
// consume loop they share.
package engine

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/errsafe"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/wire"
)

var errorType = reflect.TypeFor[error]()

// Method is one method of a contract, callable by reflection.
type Method struct {
	GoName string
	Wire   string
	index  int          // index in the interface's method set
	ctx    reflect.Type // the context parameter's type
	in     reflect.Type // nil for a method without argument
	out    reflect.Type // the result's static type
	names  *naming.Table
}

// Contract is a service or workflow interface with its wire names.
type Contract struct {
	Name    string
	Type    reflect.Type
	Methods map[string]*Method // by wire name
}

// NewContract checks that t is an interface whose methods all look like
// Method(ctx C[, in I]) (O, error) with C = ctxType, and names them.
func NewContract(t reflect.Type, ctxType reflect.Type, names *naming.Table) (*Contract, error) {
	if t == nil || t.Kind() != reflect.Interface {
		return nil, fmt.Errorf("%w: %v is not an interface type", infinitic.ErrInvalidContract, t)
	}
	name, err := names.Contract(t)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", infinitic.ErrInvalidContract, err)
	}
	c := &Contract{Name: name, Type: t, Methods: map[string]*Method{}}
	if t.NumMethod() == 0 {
		return nil, fmt.Errorf("%w: %s has no exported method", infinitic.ErrInvalidContract, t)
	}
	for i := range t.NumMethod() {
		m := t.Method(i)
		ft := m.Type
		okIn := (ft.NumIn() == 1 || ft.NumIn() == 2) && ft.In(0) == ctxType
		okOut := ft.NumOut() == 2 && ft.Out(1) == errorType
		if !okIn || !okOut {
			return nil, fmt.Errorf("%w: %s.%s must look like %s(ctx %s[, in T]) (R, error), not %s",
				infinitic.ErrInvalidContract, t.Name(), m.Name, m.Name, ctxType, ft)
		}
		wire := names.Method(naming.Method{Contract: t, Name: m.Name})
		if err := naming.Validate(wire); err != nil {
			return nil, fmt.Errorf("%w: %w", infinitic.ErrInvalidContract, err)
		}
		if _, dup := c.Methods[wire]; dup {
			return nil, fmt.Errorf("%w: two methods of %s are named %q", infinitic.ErrInvalidContract, t.Name(), wire)
		}
		meth := &Method{GoName: m.Name, Wire: wire, index: i, ctx: ctxType, out: ft.Out(0), names: names}
		if ft.NumIn() == 2 {
			meth.in = ft.In(1)
		}
		c.Methods[wire] = meth
	}
	return c, nil
}

// Method returns the method with wire name, or ErrUnknownMethod.
func (c *Contract) Method(wire string) (*Method, error) {
	m, ok := c.Methods[wire]
	if !ok {
		return nil, fmt.Errorf("%w: %s has no method %q", infinitic.ErrUnknownMethod, c.Name, wire)
	}
	return m, nil
}

// Bind returns impl as a value of the contract's interface type.
func (c *Contract) Bind(impl any) (reflect.Value, error) {
	v := reflect.ValueOf(impl)
	if !v.IsValid() || ((v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil()) {
		return reflect.Value{}, fmt.Errorf("%w: nil implementation of %s", infinitic.ErrInvalidContract, c.Name)
	}
	if !v.Type().Implements(c.Type) {
		return reflect.Value{}, fmt.Errorf("%w: %s does not implement %s", infinitic.ErrInvalidContract, v.Type(), c.Type)
	}
	iv := reflect.New(c.Type).Elem()
	iv.Set(v)
	return iv, nil
}

// Invoke decodes input, calls the method on recv (bound with Bind) and
// encodes the output. ctx is converted to the contract's context type: a
// context.Context for a service, a replay.Context (the type workflow.Context
// is defined over) for a workflow. A decode failure wraps
// infinitic.ErrDecode.
func (m *Method) Invoke(recv reflect.Value, ctx any, input []byte, codec infinitic.Codec) ([]byte, error) {
	args := []reflect.Value{reflect.ValueOf(ctx).Convert(m.ctx)}
	if m.in != nil {
		arg := reflect.New(m.in)
		if len(input) > 0 {
			if err := codec.Unmarshal(input, arg.Interface()); err != nil {
				return nil, infinitic.NonRetryable(fmt.Errorf("%w: argument of %s into %s: %w", infinitic.ErrDecode, m.GoName, m.in, err))
			}
		}
		args = append(args, arg.Elem())
	}
	res := recv.Method(m.index).Call(args)
	if err, _ := res[1].Interface().(error); err != nil {
		if errsafe.TypedNil(err) {
			// Most likely a success path returning a nil *MyError variable:
			// retrying would return it again.
			return nil, infinitic.NonRetryable(fmt.Errorf("%s: %s", m.GoName, errsafe.Message(err)))
		}
		return nil, err
	}
	out, err := wire.EncodeValue(codec, m.names, m.out, res[0].Interface())
	if err != nil {
		return nil, infinitic.NonRetryable(fmt.Errorf("encode result of %s: %w", m.GoName, err))
	}
	return out, nil
}

// ErrStopped is returned by Run methods after a graceful stop.
var ErrStopped = errors.New("engine: stopped")
