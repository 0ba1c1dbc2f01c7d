package replay

import "github.com/infinitic-go/infinitic/internal/wire"

// TaskID is the id of the task a command future waits for (as the
// executor and the task's service see it), "" for other futures.
func (f *Future) TaskID() string {
	if f == nil || f.pos < 0 || f.cmd.Kind != wire.CommandTask {
		return ""
	}
	info := f.rt.cfg.Info
	return wire.TaskID(info.Workflow, info.ID, f.pos, f.cmd.Gen)
}

// ChildID is the instance id of the child workflow a command future waits
// for, "" for other futures.
func (f *Future) ChildID() string {
	if f == nil || f.pos < 0 || f.cmd.Kind != wire.CommandChild {
		return ""
	}
	return wire.ChildID(f.rt.cfg.Info.ID, f.rt.cfg.Info.Run, f.pos)
}
