package engine

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/errsafe"
	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// maxContinuesPerStep bounds the runs that continue as new in one step
// without waiting for anything: more is a loop in the workflow's code.
const maxContinuesPerStep = 100

// continueAsNew restarts a running instance whose main method returned
// replay.ContinueAsNew: a new run of the same instance (same id, tags,
// custom id, parent, waiters, deadline) with the new method and input and
// an empty history, holding only its start and the signals that no
// receive took. What the old run still waited for is canceled (tasks,
// child workflows; timers are forgotten) and its parallel method runs end
// with ErrWorkflowFinished. The generation grows, so outcomes of the old
// run's commands, which may still arrive, are ignored like those of a
// retried instance; child and signal ids include the run (wire.ChildID).
func (e *WorkflowEngine) continueAsNew(in *instance, c *replay.ContinueAsNew, now time.Time) {
	st := in.state
	if in.continues++; in.continues > maxContinuesPerStep {
		e.finish(in, nil, fmt.Errorf("%s %s continued as new %d times in one step without waiting for anything: a loop in its code",
			st.Workflow, st.ID, maxContinuesPerStep))
		return
	}
	signals := in.rt.Unreceived()
	e.cancelPending(in)
	for _, r := range slices.Clone(st.Runs) {
		e.finishRun(in, r.Run, nil, fmt.Errorf("%w: the main method continued as new", infinitic.ErrWorkflowFinished))
	}
	in.rt.Close()
	in.rt = nil
	in.dropChunks = st.Sealed / wire.ChunkSize
	in.storedTail = 0 // the stored tail is not a prefix of the new one: seal nothing now
	st.Continued++
	st.Generation++
	st.Method, st.Buffered = c.Method, nil // buffered: early outcomes of the old run's commands
	start := &wire.Event{At: now, Method: c.Method, Input: c.Input, Position: -1, Continued: st.Continued, Search: maps.Clone(st.Search)}
	st.Tail, st.Sealed, st.Commands = []wire.Record{{Event: start}}, 0, 0
	in.changed = true
	d := wire.EventData{MethodName: c.Method}
	d.EventPayload("input", c.Input)
	e.event(in, wire.EventWorkflowContinued, now, d)
	e.logger.Info("workflow continued as new", "id", st.ID, "run", st.Continued, "method", c.Method, "signals", len(signals))
	rt, err := e.newRuntime(st, nil)
	if err != nil {
		e.finish(in, nil, err)
		return
	}
	in.rt = rt
	rt.Start(start)
	for _, s := range signals {
		ev := &wire.Event{At: now, Position: wire.SignalPosition, Signal: s}
		st.Tail = append(st.Tail, wire.Record{Event: ev})
		rt.Signal(ev)
	}
	e.drain(in, now)
}

// continued returns the continue-as-new that a method run's error asks
// for, if any.
func continued(err error) (*replay.ContinueAsNew, bool) {
	return errsafe.As[*replay.ContinueAsNew](err)
}

// History size. A long-lived instance's history grows with each step;
// replaying it (after a cache eviction, a restart, on another engine)
// costs O(history). The engine warns once when an instance's history
// reaches cfg.HistoryWarn records, and fails the instance when it reaches
// cfg.HistoryLimit, with an error saying to use workflow.ContinueAsNew.

// Default history thresholds, in records (commands and events).
const (
	DefaultHistoryWarn  = 10_000
	DefaultHistoryLimit = 50_000
)

// historyLen is the number of records in an instance's history.
func historyLen(st *wire.State) int { return st.Sealed + len(st.Tail) }

// checkHistory warns once when the history of a running instance crosses
// the warning threshold (in.history: its length when last checked), and
// returns the error that fails it when it reached the limit.
func (e *WorkflowEngine) checkHistory(in *instance) error {
	st := in.state
	n, before := historyLen(st), in.history
	in.history = n
	if warn := e.cfg.HistoryWarn; warn > 0 && before < warn && n >= warn {
		e.logger.Warn("workflow history is getting large: make the workflow continue as new (workflow.ContinueAsNew) before it reaches the limit",
			"id", st.ID, "records", n, "limit", e.cfg.HistoryLimit)
	}
	if limit := e.cfg.HistoryLimit; limit > 0 && n >= limit {
		err := &infinitic.LimitError{Limit: "MaxHistory", What: fmt.Sprintf("history of %s %s", st.Workflow, st.ID), Size: n, Max: limit}
		return fmt.Errorf("%w: a long-lived workflow must continue as new (workflow.ContinueAsNew) to start again "+
			"with an empty history (worker.WithHistoryLimits raises the limit)", err)
	}
	return nil
}
