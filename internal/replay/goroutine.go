package replay

import (
	"fmt"

	gid "github.com/petermattis/goid"

	"github.com/infinitic-go/infinitic"
)

// goid returns the id of the calling goroutine. It reads it from the
// runtime's goroutine structure (petermattis/goid): parsing the header of
// runtime.Stack, the only public way, walks the whole stack and cost a
// tenth of the CPU of a busy worker, since every workflow API call checks
// its goroutine.
func goid() uint64 { return uint64(gid.Get()) }

// CheckGoroutine returns an error matching infinitic.ErrNotInWorkflow
// when the caller is not co's goroutine: workflow code passed its Context
// to a goroutine of its own (a go statement). The runtime then fails the
// instance at its next step: such code runs outside the scheduler, so it
// would not replay the same way.
func (co *Coroutine) CheckGoroutine() error {
	if goid() == co.goid {
		return nil
	}
	err := fmt.Errorf("%w: %s %s: the workflow API was called from a goroutine that workflow code started "+
		"(a go statement); workflow code must not start goroutines: run concurrent branches with workflow.Async",
		infinitic.ErrNotInWorkflow, co.rt.cfg.Info.Workflow, co.rt.cfg.Info.ID)
	co.rt.foreign.CompareAndSwap(nil, &err)
	return err
}

// takeForeign makes a call from a foreign goroutine the runtime's failure.
func (rt *Runtime) takeForeign() {
	if err := rt.foreign.Load(); err != nil && rt.failure == nil {
		rt.failure = *err
	}
}
