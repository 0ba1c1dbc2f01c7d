package workflow

import (
	"github.com/infinitic-go/infinitic/internal/replay"
)

// Async runs fn as a concurrent branch of the workflow and returns its
// Deferred. Branches are not goroutines: they run one at a time in a fixed
// order, which keeps the workflow deterministic.
func Async[T any](ctx Context, fn func(ctx Context) (T, error)) Deferred[T] {
	co, err := from(ctx)
	if err != nil {
		return failed[T](err)
	}
	f := co.Spawn(func(c *replay.Coroutine) (any, error) {
		return fn(Context(c.Context()))
	})
	return Deferred[T]{f: f}
}

// All returns a Deferred that completes with every result, in order, once
// all of ds completed, or fails with the first failure (in time order).
func All[T any](ds ...Deferred[T]) Deferred[[]T] {
	fs, rt, err := futures(ds)
	if err != nil || rt == nil {
		if err != nil {
			return failed[[]T](err)
		}
		return Deferred[[]T]{f: replay.Settled(replay.Completed, []T{}, nil)}
	}
	return Deferred[[]T]{f: rt.Derived(func(f *replay.Future) {
		if first := firstSettled(fs, replay.Failed); first != nil {
			_, err := first.Outcome()
			f.Settle(replay.Failed, nil, err)
			return
		}
		out := make([]T, len(fs))
		for i, c := range fs {
			if c.Status() != replay.Completed {
				return
			}
			v, _ := c.Outcome()
			out[i], _ = v.(T)
		}
		f.Settle(replay.Completed, out, nil)
	})}
}

// Any returns a Deferred that finishes like the first of ds to finish
// (with its value or its error). Any of nothing never finishes.
func Any[T any](ds ...Deferred[T]) Deferred[T] {
	fs, rt, err := futures(ds)
	if err != nil {
		return failed[T](err)
	}
	if rt == nil {
		return Deferred[T]{f: replay.Settled(replay.Ongoing, nil, nil)}
	}
	return Deferred[T]{f: rt.Derived(func(f *replay.Future) {
		if first := firstSettled(fs, 0); first != nil {
			v, err := first.Outcome()
			f.Settle(first.Status(), v, err)
		}
	})}
}

func futures[T any](ds []Deferred[T]) ([]*replay.Future, *replay.Runtime, error) {
	fs := make([]*replay.Future, len(ds))
	var rt *replay.Runtime
	for i, d := range ds {
		if d.err != nil {
			return nil, nil, d.err
		}
		fs[i] = d.f
		if d.f != nil && d.f.Runtime() != nil {
			rt = d.f.Runtime()
		}
	}
	return fs, rt, nil
}

// firstSettled returns the future settled earliest, among those with
// status want (any settled status if want is 0).
func firstSettled(fs []*replay.Future, want replay.Status) *replay.Future {
	var first *replay.Future
	for _, f := range fs {
		s := f.Status()
		if s == replay.Ongoing || (want != 0 && s != want) {
			continue
		}
		if first == nil || f.Seq() < first.Seq() {
			first = f
		}
	}
	return first
}

// Waitable is any Deferred, whatever its type: AnyOf races Deferreds of
// different types.
type Waitable interface {
	futureOf() (*replay.Future, error)
}

func (d Deferred[T]) futureOf() (*replay.Future, error) { return d.f, d.err }

// AnyOf returns a Deferred completed with the index (in ds) of the first
// of ds to finish, whatever its outcome; fetch that outcome with its own
// Await. Unlike Any over Async wrappers, it leaves the losers untouched: a
// channel Receive that loses against a timer does not take a later value.
//
//	i, _ := workflow.AnyOf(approval, timeout).Await(ctx)
//	if i == 0 { a, err := approval.Await(ctx) ... }
func AnyOf(ds ...Waitable) Deferred[int] {
	fs := make([]*replay.Future, len(ds))
	var rt *replay.Runtime
	for i, d := range ds {
		f, err := d.futureOf()
		if err != nil {
			return failed[int](err)
		}
		fs[i] = f
		if f != nil && f.Runtime() != nil {
			rt = f.Runtime()
		}
	}
	if rt == nil {
		return Deferred[int]{f: replay.Settled(replay.Ongoing, nil, nil)}
	}
	return Deferred[int]{f: rt.Derived(func(f *replay.Future) {
		first := -1
		for i, c := range fs {
			if c.Status() != replay.Ongoing && (first < 0 || c.Seq() < fs[first].Seq()) {
				first = i
			}
		}
		if first >= 0 {
			f.Settle(replay.Completed, first, nil)
		}
	})}
}
