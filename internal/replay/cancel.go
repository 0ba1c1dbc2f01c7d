package replay

import (
	"fmt"
	"slices"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// PendingCommand is a command still awaiting its outcome.
type PendingCommand struct {
	Position int
	Command  wire.Command
	Request  Request // what the code asked, as issued (or re-issued by replay)
}

// Pending lists the commands awaiting their outcome, by position.
func (rt *Runtime) Pending() []PendingCommand {
	out := make([]PendingCommand, 0, len(rt.pending))
	for pos, f := range rt.pending {
		out = append(out, PendingCommand{Position: pos, Command: f.cmd, Request: f.req})
	}
	slices.SortFunc(out, func(a, b PendingCommand) int { return a.Position - b.Position })
	return out
}

// Cancel cancels the command behind f, if it is still ongoing: f settles
// as Canceled, its outcome will be ignored, and a cancel command is
// recorded (a child workflow is canceled in turn). Futures that are not
// commands (Async branches, combinations) cannot be canceled.
func (co *Coroutine) Cancel(f *Future) error {
	rt := co.rt
	if f == nil || f.pos < 0 {
		return fmt.Errorf("%w: only the Deferred of a task, timer or child workflow can be canceled", infinitic.ErrInvalidContract)
	}
	if f.Settled() {
		return nil
	}
	req := Request{Command: wire.Command{Kind: wire.CommandCancel, Target: f.cmd.Target}, Canceled: &PendingCommand{Position: f.pos, Command: f.cmd}}
	if f.cmd.Kind == wire.CommandChild {
		req.ChildID = wire.ChildID(rt.cfg.Info.ID, rt.cfg.Info.Run, f.pos)
		req.Service, _, _ = cutTarget(f.cmd.Target)
	}
	co.Issue(req, nil)
	delete(rt.pending, f.pos)
	f.Settle(Canceled, nil, &infinitic.CanceledError{Reason: fmt.Sprintf("%s canceled by workflow code", describe(f.cmd))})
	return nil
}

func cutTarget(target string) (name, method string, ok bool) {
	for i := len(target) - 1; i >= 0; i-- {
		if target[i] == '.' {
			return target[:i], target[i+1:], true
		}
	}
	return target, "", false
}

// PendingAt returns the command at position pos if it awaits its outcome.
func (rt *Runtime) PendingAt(pos int) (PendingCommand, bool) {
	f, ok := rt.pending[pos]
	if !ok {
		return PendingCommand{}, false
	}
	return PendingCommand{Position: pos, Command: f.cmd, Request: f.req}, true
}
