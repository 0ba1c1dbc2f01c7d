package engine

import (
	"github.com/infinitic-go/infinitic/internal/wire"
)

// CheckHistory replays a history, an instance's state whose Tail holds its
// whole log, against the implementation registered in cfg for the state's
// version, as a worker does when it loads the instance. It returns the
// first difference between the commands the code issues and those of the
// history, as a *infinitic.NonDeterminismError: a command of another kind
// or target at a position, or the code stopping before the history's end.
func CheckHistory(env Env, cfg WorkflowConfig, st *wire.State) error {
	e := NewWorkflowEngine(env, cfg)
	in := &instance{id: st.ID, state: st}
	if err := e.replay(in, st.Tail); err != nil {
		return err
	}
	defer in.rt.Close()
	if err := in.rt.Failure(); err != nil {
		return err
	}
	return in.rt.Unreached()
}
