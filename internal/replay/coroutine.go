package replay

import (
	"fmt"
	"math/rand/v2"
	"runtime/debug"

	"github.com/infinitic-go/infinitic"
)

// errKilled unwinds the stack of a coroutine whose runtime is closed.
type killed struct{}

// Coroutine is one thread of workflow code: the main method or an Async
// branch. Coroutines are goroutines, but only one runs at a time and the
// scheduler decides which, in a fixed order, so execution is deterministic.
type Coroutine struct {
	rt     *Runtime
	resume chan bool // true: run; false: the runtime is closed
	wait   func() bool
	done   bool
	future *Future
	query  bool   // runs a getter: must not change the instance
	inline bool   // runs an Inline function: must not call the workflow API
	goid   uint64 // the goroutine running it (see CheckGoroutine)
	// detached: a cancel of the instance does not fail its commands.
	detached bool
}

// Runtime returns the runtime the coroutine belongs to.
func (co *Coroutine) Runtime() *Runtime { return co.rt }

// Spawn starts fn as a new coroutine; its outcome settles the returned
// future. It runs when the current coroutine blocks.
func (rt *Runtime) Spawn(fn func(co *Coroutine) (any, error)) *Future {
	return rt.spawn(fn, false)
}

func (rt *Runtime) spawn(fn func(co *Coroutine) (any, error), detached bool) *Future {
	co := &Coroutine{rt: rt, resume: make(chan bool), future: rt.newFuture(nil), detached: detached}
	rt.cos = append(rt.cos, co)
	go co.main(fn)
	return co.future
}

func (co *Coroutine) main(fn func(co *Coroutine) (any, error)) {
	co.goid = goid()
	defer func() { co.rt.yielded <- struct{}{} }()
	if !<-co.resume {
		co.done = true
		return
	}
	defer func() {
		co.done = true
		r := recover()
		switch r.(type) {
		case nil:
		case killed:
		default:
			co.future.Settle(Failed, nil, &infinitic.PanicError{Value: fmt.Sprint(r), Stack: string(debug.Stack())})
		}
	}()
	v, err := fn(co)
	if err != nil {
		co.future.Settle(Failed, nil, err)
	} else {
		co.future.Settle(Completed, v, nil)
	}
}

// Spawn starts fn as a new coroutine of the instance (see Runtime.Spawn).
func (co *Coroutine) Spawn(fn func(co *Coroutine) (any, error)) *Future {
	co.mutating()
	return co.rt.spawn(fn, co.detached)
}

// Rand returns the instance's deterministic random source.
func (co *Coroutine) Rand() *rand.Rand {
	co.mutating()
	return co.rt.rand
}

// Await blocks the coroutine until f is settled.
func (co *Coroutine) Await(f *Future) {
	if !f.Settled() {
		co.block(f.Settled)
	}
}

// block parks the coroutine until cond holds; the scheduler resumes it.
func (co *Coroutine) block(cond func() bool) {
	co.mutating()
	if co.rt.closed {
		panic(killed{})
	}
	co.wait = cond
	co.rt.yielded <- struct{}{}
	if !<-co.resume {
		panic(killed{})
	}
}

// run resumes runnable coroutines in creation order until all are blocked
// or done.
func (rt *Runtime) run() {
	defer rt.takeForeign()
	for progress := true; progress && rt.failure == nil; {
		rt.takeForeign()
		progress = false
		for i := 0; i < len(rt.cos) && rt.failure == nil; i++ {
			co := rt.cos[i]
			if co.done || (co.wait != nil && !co.wait()) {
				continue
			}
			co.wait = nil
			co.resume <- true
			<-rt.yielded
			progress = true
		}
	}
	rt.dropDone()
}

// dropDone forgets finished coroutines so long-lived instances stay small.
func (rt *Runtime) dropDone() {
	kept := rt.cos[:0]
	for _, co := range rt.cos {
		if !co.done {
			kept = append(kept, co)
		}
	}
	clear(rt.cos[len(kept):])
	rt.cos = kept
}

// Close stops every coroutine (their stacks unwind) and waits for them.
func (rt *Runtime) Close() {
	if rt.closed {
		return
	}
	rt.closed = true
	for _, co := range rt.cos {
		if !co.done {
			co.resume <- false
			<-rt.yielded
		}
	}
	rt.cos = nil
}
