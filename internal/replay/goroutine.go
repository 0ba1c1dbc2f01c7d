package replay

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"

	"github.com/infinitic-go/infinitic"
)

// goid returns the id of the calling goroutine, read from the header of
// its stack trace ("goroutine 42 [running]:"). Go has no cheaper public
// way; it costs about a microsecond.
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}

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
