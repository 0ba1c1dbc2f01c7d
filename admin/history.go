package admin

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// StepKind tells what a Step is.
type StepKind string

// Step kinds: the commands of workflow code, and the events that are not
// the outcome of a command.
const (
	StepStart   StepKind = "start"   // a method run began (the main one first)
	StepTask    StepKind = "task"    // a service method call
	StepTimer   StepKind = "timer"   // a durable timer
	StepChild   StepKind = "child"   // a child workflow
	StepInline  StepKind = "inline"  // workflow.Inline: a recorded result
	StepReceive StepKind = "receive" // a receive on a channel
	StepSend    StepKind = "send"    // a value sent to another instance's channel
	StepCancel  StepKind = "cancel"  // Deferred.Cancel of an earlier command
	// StepSignalWithStart is a value sent to another instance's channel,
	// starting that instance if it did not run (workflow.SignalWithStart).
	StepSignalWithStart StepKind = "signal-with-start"
	StepSignal          StepKind = "signal" // a value that arrived on a channel
)

// StepStatus is where a step stands.
type StepStatus string

// Step statuses.
const (
	StepPending   StepStatus = "pending"
	StepCompleted StepStatus = "completed"
	StepFailed    StepStatus = "failed"
)

// Step is one entry of an instance's history: a command of its code
// (task, timer, child, receive...) with its outcome, or an event (a method
// start, a signal).
type Step struct {
	// Position of the command among the instance's commands; -1 for a
	// start, -2 for a signal.
	Position int        `json:"position"`
	Kind     StepKind   `json:"kind"`
	Status   StepStatus `json:"status"`
	// Target is "Service.Method" of a task, "Workflow.Method" of a child
	// or a start, the channel of a receive or signal, "Workflow.channel"
	// of a send.
	Target string `json:"target,omitempty"`
	// TaskID is the id of a task (infinitic.TaskInfo.ID).
	TaskID string `json:"taskId,omitempty"`
	// Child is the instance of a child workflow.
	Child *Ref `json:"child,omitempty"`
	// At is when the command was issued or the event happened; Done when
	// its outcome was applied; Due when a timer fires. Zero when unknown
	// (records stored by an older version).
	At   time.Time `json:"at,omitzero"`
	Done time.Time `json:"done,omitzero"`
	Due  time.Time `json:"due,omitzero"`
	// Attempts is how many attempts a finished task took (0: unknown).
	Attempts int `json:"attempts,omitempty"`
	// Input of a start or a signal; Output of a completed command.
	Input  json.RawMessage `json:"input,omitempty"`
	Output json.RawMessage `json:"output,omitempty"`
	// Error of a failed command, with its cause chain (for a task: every
	// attempt's error is in its *infinitic.TaskFailedError).
	Error *Failure `json:"error,omitempty"`
	// Generation is the retry generation the command was issued in.
	Generation int `json:"generation,omitempty"`
	// Run is, on the start of a run that continued as new
	// (workflow.ContinueAsNew), the number of that run (Instance.Run).
	Run int `json:"run,omitempty"`
}

// History returns the history of instance id of workflow, in the order
// it happened: each command of its code with its outcome, and the events
// (starts, signals). A completed or canceled instance keeps no history
// (the result is empty); a running or failed one keeps all of it. An id
// without state fails with infinitic.ErrInstanceNotFound.
//
// A receive shows as completed once as many values arrived on its channel
// as receives were issued on it up to that one, done when the last of
// those arrived (or when it was issued, if later); receives with Where
// filters may take later values, which this does not see.
func (a *Admin) History(ctx context.Context, workflow, id string) ([]Step, error) {
	if err := names(workflow); err != nil {
		return nil, err
	}
	st, err := wire.ReadState(ctx, a.st, workflow, id)
	if err != nil {
		return nil, err
	}
	log, err := wire.ReadLog(ctx, a.st, st)
	if err != nil {
		return nil, err
	}
	return history(st, log), nil
}

// history turns a log into steps: commands in issue order, resolved by
// the events that refer to their position.
func history(st *wire.State, log []wire.Record) []Step {
	var steps []Step
	byPos := map[int]int{} // position → index in steps
	receives := map[string][]int{}
	signals := map[string][]int{} // channel → indexes of its signals in steps
	pos := 0
	for _, r := range log {
		switch {
		case r.Command != nil:
			byPos[pos] = len(steps)
			s := commandStep(st, pos, r.Command)
			if s.Kind == StepReceive {
				receives[s.Target] = append(receives[s.Target], len(steps))
			}
			steps = append(steps, s)
			pos++
		case r.Event == nil:
		case r.Event.IsStart():
			target := st.Workflow + "." + r.Event.Method
			steps = append(steps, Step{Position: -1, Kind: StepStart, Status: StepCompleted, Target: target, At: r.Event.At, Input: jsonOrNil(r.Event.Input),
				Run: r.Event.Continued})
		case r.Event.Signal != nil:
			sig := r.Event.Signal
			signals[sig.Channel] = append(signals[sig.Channel], len(steps))
			steps = append(steps, Step{Position: wire.SignalPosition, Kind: StepSignal, Status: StepCompleted, Target: sig.Channel,
				At: r.Event.At, Input: jsonOrNil(sig.Payload)})
		default:
			i, ok := byPos[r.Event.Position]
			if !ok {
				continue
			}
			resolve(&steps[i], r.Event)
		}
	}
	// The n-th receive on a channel is served once n values arrived.
	for channel, idx := range receives {
		for n, i := range idx {
			if n < len(signals[channel]) {
				sig := steps[signals[channel][n]]
				steps[i].Status, steps[i].Done = StepCompleted, later(steps[i].At, sig.At)
			}
		}
	}
	return steps
}

func commandStep(st *wire.State, pos int, c *wire.Command) Step {
	s := Step{Position: pos, Status: StepPending, Target: c.Target, At: c.At, Due: c.Due, Generation: c.Gen}
	switch c.Kind {
	case wire.CommandTask:
		s.Kind, s.TaskID = StepTask, wire.TaskID(st.Workflow, st.ID, pos, c.Gen)
	case wire.CommandTimer:
		s.Kind = StepTimer
	case wire.CommandChild:
		s.Kind, s.Child = StepChild, &Ref{Workflow: childWorkflow(c.Target), ID: wire.ChildID(st.ID, st.Continued, pos)}
	case wire.CommandInline:
		s.Kind, s.Status, s.Output, s.Error = StepInline, StepCompleted, jsonOrNil(c.Output), failure(c.Error)
		if c.Error != nil {
			s.Status = StepFailed
		}
	case wire.CommandReceive:
		s.Kind = StepReceive
	case wire.CommandSend:
		s.Kind, s.Status = StepSend, StepCompleted
	case wire.CommandSignalWithStart:
		s.Kind, s.Status = StepSignalWithStart, StepCompleted
	case wire.CommandCancel:
		s.Kind, s.Status = StepCancel, StepCompleted
	}
	return s
}

// resolve applies the outcome event of a command to its step (the last
// outcome wins: a retry of the instance may resolve a position again).
func resolve(s *Step, ev *wire.Event) {
	s.Status, s.Done, s.Output, s.Error, s.Attempts = StepCompleted, ev.At, jsonOrNil(ev.Output), failure(ev.Error), ev.Attempt
	if ev.Error == nil {
		return
	}
	s.Status = StepFailed
	var task *infinitic.TaskFailedError
	if errors.As(s.Error.Err, &task) {
		s.Attempts = task.Attempt
	}
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
