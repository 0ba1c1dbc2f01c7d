package replay

import (
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/infinitic-go/infinitic"
)

// ErrGetter is returned when a getter (a method run as a query) calls the
// workflow API in a way that would change the instance: tasks, timers,
// children, channels, Async, Inline, Rand, or waiting.
var ErrGetter = errors.New("a getter must only read the workflow's fields")

type getterViolation struct{}

// inlineViolation unwinds an Inline function that called the workflow API.
type inlineViolation struct{}

// mutating panics in a getter (Query turns the panic into ErrGetter) and
// in an Inline function (Inline fails the instance).
func (co *Coroutine) mutating() {
	if co.query {
		panic(getterViolation{})
	}
	if co.inline {
		panic(inlineViolation{})
	}
}

// Query runs method on the instance's object, as it is after the last
// event, without recording anything: the method must only read fields.
func (rt *Runtime) Query(method string) (out []byte, err error) {
	co := &Coroutine{rt: rt, query: true, goid: goid()}
	defer func() {
		switch r := recover(); r.(type) {
		case nil:
		case getterViolation:
			err = fmt.Errorf("%w: %s.%s", ErrGetter, rt.cfg.Info.Workflow, method)
		default:
			err = &infinitic.PanicError{Value: fmt.Sprint(r), Stack: string(debug.Stack())}
		}
	}()
	return rt.cfg.Run(co.Context(), method, nil)
}
