// Package errsafe handles errors that come from user code defensively. Such
// an error may wrap itself (errors.Is and errors.As would loop forever), be a
// typed nil (an interface holding a nil pointer, whose methods may panic), or
// have methods that panic. The engine walks user errors only through this
// package, so that none of these hangs or crashes a worker.
package errsafe

import (
	"fmt"
	"reflect"
)

// MaxDepth is the most errors one walk visits, and the deepest cause chain
// carried across the wire.
const MaxDepth = 32

// Walk calls visit on err and on the errors it wraps (Unwrap() error and
// Unwrap() []error), depth first, until visit returns true; it visits at
// most MaxDepth errors. A panic in visit or in an Unwrap method ends the
// walk. It reports whether visit returned true.
func Walk(err error, visit func(error) bool) (found bool) {
	defer func() {
		if recover() != nil {
			found = false
		}
	}()
	n := 0
	var walk func(error) bool
	walk = func(err error) bool {
		for err != nil && !TypedNil(err) {
			if n++; n > MaxDepth {
				return false
			}
			if visit(err) {
				return true
			}
			switch u := err.(type) {
			case interface{ Unwrap() error }:
				err = u.Unwrap()
			case interface{ Unwrap() []error }:
				for _, e := range u.Unwrap() {
					if walk(e) {
						return true
					}
				}
				return false
			default:
				return false
			}
		}
		return false
	}
	return walk(err)
}

// Is is errors.Is, bounded by Walk.
func Is(err, target error) bool {
	if err == nil || target == nil {
		return err == target
	}
	canCompare := reflect.TypeOf(target).Comparable()
	return Walk(err, func(e error) bool {
		if canCompare && e == target {
			return true
		}
		x, ok := e.(interface{ Is(error) bool })
		return ok && x.Is(target)
	})
}

// As is errors.As, bounded by Walk: the first error of err's tree that is a
// T (or whose As method accepts a *T).
func As[T any](err error) (T, bool) {
	var t T
	found := Walk(err, func(e error) bool {
		if v, ok := e.(T); ok {
			t = v
			return true
		}
		x, ok := e.(interface{ As(any) bool })
		return ok && x.As(&t)
	})
	return t, found
}

// Unwrap is errors.Unwrap, nil if Unwrap panics or err is a typed nil; an
// error wrapping several (Unwrap() []error) unwraps to the first, so that
// the chains sent on the wire and printed follow one line of causes.
func Unwrap(err error) (cause error) {
	defer func() {
		if recover() != nil {
			cause = nil
		}
	}()
	if TypedNil(err) {
		return nil
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return u.Unwrap()
	case interface{ Unwrap() []error }: // errors.Join, workflow.SagaError: the first
		if errs := u.Unwrap(); len(errs) > 0 {
			return errs[0]
		}
	}
	return nil
}

// TypedNil reports whether err is a non-nil interface holding a nil
// pointer, map, slice, function or channel (`var e *MyErr; return e`).
func TypedNil(err error) bool {
	if err == nil {
		return false
	}
	v := reflect.ValueOf(err)
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return v.IsNil()
	}
	return false
}

// Message is err.Error(), or a description of the problem when err is a
// typed nil or its Error method panics.
func Message(err error) (msg string) {
	if TypedNil(err) {
		return fmt.Sprintf("a nil %T returned as a non-nil error (an interface holding a nil pointer is not nil: return a plain nil)", err)
	}
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("%T.Error() panicked: %v", err, r)
		}
	}()
	return err.Error()
}
