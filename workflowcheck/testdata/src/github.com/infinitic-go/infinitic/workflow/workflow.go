// Package workflow is a stub of the workflow API for the analyzer's tests.
package workflow

import (
	"context"
	"math/rand"
	"time"
)

type Context interface{ private() }

type Deferred[T any] struct{ v T }

func (d Deferred[T]) Await(ctx Context) (T, error) { return d.v, nil }

func Call[S, I, O any](ctx Context, method func(S, context.Context, I) (O, error), in I) (O, error) {
	var o O
	return o, nil
}

func Dispatch[S, I, O any](ctx Context, method func(S, context.Context, I) (O, error), in I) Deferred[O] {
	return Deferred[O]{}
}

func Async[T any](ctx Context, fn func(ctx Context) (T, error)) Deferred[T] { return Deferred[T]{} }

func Inline[T any](ctx Context, fn func() (T, error)) (T, error) { return fn() }

func Now(ctx Context) time.Time { return time.Now() }

func Rand(ctx Context) *rand.Rand { return rand.New(rand.NewSource(1)) }

func Sleep(ctx Context, d time.Duration) error { return nil }

func Logger(ctx Context) any { return nil }

func SetSearch(ctx Context, name string, value any) error { return nil }
