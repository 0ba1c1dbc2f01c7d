package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/clock"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/workflow"
)

// The engine's pure step: a state and envelopes in, a state and the
// messages to publish out, without transport or store.

type StepGreeter interface {
	Greet(ctx context.Context, name string) (string, error)
}

type StepFlow interface {
	Run(ctx workflow.Context, name string) (string, error)
	Loop(ctx workflow.Context, n int) (int, error)
	Stubborn(ctx workflow.Context, name string) (string, error)
}

// Stubborn handles cancels with a grace of a minute; canceled while its
// task runs, it cleans up for an hour (a timer).
func (stepFlow) Stubborn(ctx workflow.Context, name string) (string, error) {
	workflow.HandleCancel(ctx, time.Minute)
	_, err := workflow.Call(ctx, StepGreeter.Greet, name)
	if err != nil {
		return "", errors.Join(err, workflow.Disconnected(ctx, func(ctx workflow.Context) error { return workflow.Sleep(ctx, time.Hour) }))
	}
	return "greeted", workflow.Sleep(ctx, time.Hour) // canceled at once after a cancel
}

var stepTicks = workflow.NewChannel[StepFlow, int]("ticks")

// Loop receives a tick, then continues as new with n+1, until n is 2.
func (stepFlow) Loop(ctx workflow.Context, n int) (int, error) {
	if _, err := stepTicks.Receive(ctx).Await(ctx); err != nil {
		return 0, err
	}
	if n < 2 {
		return 0, workflow.ContinueAsNew(ctx, StepFlow.Loop, n+1)
	}
	return n, nil
}

// stepFlow calls a task, then sleeps an hour, then returns.
type stepFlow struct{}

func (stepFlow) Run(ctx workflow.Context, name string) (string, error) {
	greeting, err := workflow.Call(ctx, StepGreeter.Greet, name)
	if err != nil {
		return "", err
	}
	if err := workflow.Sleep(ctx, time.Hour); err != nil {
		return "", err
	}
	return greeting + "!", nil
}

var stepStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func newStepEngine(t *testing.T) *WorkflowEngine {
	t.Helper()
	return newStepEngineWith(t, WorkflowConfig{})
}

// newStepEngineWith is newStepEngine with cfg (its contract and versions
// are set here).
func newStepEngineWith(t *testing.T, cfg WorkflowConfig) *WorkflowEngine {
	t.Helper()
	names := &naming.Table{}
	c, err := NewContract(reflect.TypeFor[StepFlow](), reflect.TypeFor[workflow.Context](), names)
	if err != nil {
		t.Fatal(err)
	}
	env := Env{Codec: infinitic.JSON, Names: names, Clock: clock.NewFake(stepStart), Logger: slog.New(slog.DiscardHandler)}
	cfg.Contract, cfg.Versions = c, map[int]func() any{1: func() any { return stepFlow{} }}
	return NewWorkflowEngine(env, cfg)
}

const stepID = "wf-1"

func dispatchEnv(waiter string) *wire.Envelope {
	return &wire.Envelope{Kind: wire.KindDispatch, WorkflowID: stepID, Workflow: "StepFlow",
		Dispatch: &wire.Dispatch{Method: "Run", Input: []byte(`"ada"`), Waiter: waiter}}
}

// timedDispatchEnv starts the instance with a timeout of two hours.
func timedDispatchEnv(waiter string) *wire.Envelope {
	env := dispatchEnv(waiter)
	env.Dispatch.Timeout = 2 * time.Hour
	return env
}

// deadlineEnv is the timeout message of a deadline two hours after the
// start (after shift more: the deadline of a later retry).
func deadlineEnv(shift time.Duration) *wire.Envelope {
	return wire.TimeoutMessage("StepFlow", stepID, "x", stepStart.Add(2*time.Hour+shift)).Envelope
}

func completedEnv(position int, output string) *wire.Envelope {
	return &wire.Envelope{Kind: wire.KindCompleted, WorkflowID: stepID, Workflow: "StepFlow",
		Completed: &wire.Completed{Position: position, Output: []byte(output)}}
}

func taskFailedEnv(position int) *wire.Envelope {
	env := completedEnv(position, "")
	env.Completed.Error = wire.FromError(infinitic.NonRetryable(fmt.Errorf("no greeting today")))
	return env
}

// timerEnv is the timer's own message: its output is its instant.
func timerEnv(position int) *wire.Envelope {
	at, _ := stepStart.Add(time.Hour).MarshalText()
	return completedEnv(position, string(at))
}

func cancelEnv(replyTo string) *wire.Envelope {
	return &wire.Envelope{Kind: wire.KindCancel, WorkflowID: stepID, Workflow: "StepFlow",
		Cancel: &wire.Cancel{ID: "cancel-1", Reason: "enough", ReplyTo: replyTo}}
}

func signalEnv(replyTo string) *wire.Envelope {
	return &wire.Envelope{Kind: wire.KindSignal, WorkflowID: stepID, Workflow: "StepFlow",
		Signal: &wire.Signal{ID: "sig-1", Channel: "nobody-listens", Payload: []byte(`1`), ReplyTo: replyTo}}
}

// signalWithStartEnv starts the instance unless it runs and sends it a
// value (signal signalID), answered to replyTo.
func signalWithStartEnv(replyTo, signalID string) *wire.Envelope {
	env := dispatchEnv("")
	env.Dispatch.Signal = &wire.Signal{ID: signalID, Channel: "nobody-listens", Payload: []byte(`1`), ReplyTo: replyTo}
	env.Dispatch.Request = signalID
	return env
}

// expireEnv ends the retention of a finished instance, or the life of an
// entry of early messages.
func expireEnv() *wire.Envelope {
	return wire.ExpireMessage("StepFlow", stepID, "x", stepStart).Envelope
}

func waitEnv(client string) *wire.Envelope {
	return &wire.Envelope{Kind: wire.KindWait, WorkflowID: stepID, Workflow: "StepFlow", Wait: &wire.Wait{Client: client}}
}

// summary describes messages as "kind subject", plus what tells them apart.
func summary(t *testing.T, msgs []wire.Outgoing) []string {
	t.Helper()
	var out []string
	for _, m := range msgs {
		env, err := wire.DecodeEnvelope(m.Data)
		if err != nil {
			t.Fatalf("undecodable outgoing %s: %v", m.ID, err)
		}
		s := fmt.Sprintf("%s %s", env.Kind, m.Subject)
		switch {
		case !m.DeliverAt.IsZero():
			s += " at +" + m.DeliverAt.Sub(stepStart).String()
		case env.Result != nil && env.Result.Unknown:
			s += " unknown"
		case env.Result != nil:
			s += " " + string(env.Result.Output)
		case env.Reply != nil && env.Reply.Error != nil:
			s += " refused"
		case env.Reply != nil && len(env.Reply.Output) > 0:
			s += " " + string(env.Reply.Output)
		case env.Execute != nil:
			s += " " + string(env.Execute.Input)
		}
		out = append(out, s)
	}
	return out
}

func TestStep(t *testing.T) {
	tests := []struct {
		name string
		// batches are applied in turn, each by one step on the same instance.
		batches [][]*wire.Envelope
		// what the last step leaves
		status   wire.Status
		outbox   []string // new messages saved with the state
		direct   []string // replies that need no state change
		buffered int
		changed  bool
		expired  bool // to be deleted by process
	}{{
		name:    "a dispatch starts the instance and issues the task",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}},
		status:  wire.StatusRunning, changed: true,
		outbox: []string{`execute svc.StepGreeter "ada"`},
	}, {
		name:    "the task's completion issues the timer, delivered an hour later",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {completedEnv(0, `"hi ada"`)}},
		status:  wire.StatusRunning, changed: true,
		outbox: []string{"completed wfi.StepFlow at +1h0m0s"},
	}, {
		name:    "the timer ends the instance and answers its waiter",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {completedEnv(0, `"hi ada"`)}, {timerEnv(1)}},
		status:  wire.StatusCompleted, changed: true,
		outbox: []string{`result client.c1 "hi ada!"`},
	}, {
		name:    "all in one batch",
		batches: [][]*wire.Envelope{{dispatchEnv("c1"), completedEnv(0, `"hi ada"`), timerEnv(1)}},
		status:  wire.StatusCompleted, changed: true,
		outbox: []string{`execute svc.StepGreeter "ada"`, "completed wfi.StepFlow at +1h0m0s", `result client.c1 "hi ada!"`},
	}, {
		name:    "a duplicate completion changes nothing",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {completedEnv(0, `"hi ada"`)}, {completedEnv(0, `"hi ada"`)}},
		status:  wire.StatusRunning,
	}, {
		name:    "a duplicate dispatch only adds its waiter",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {dispatchEnv("c2")}},
		status:  wire.StatusRunning, changed: true,
	}, {
		name:     "a completion before the dispatch is buffered, for a minute",
		batches:  [][]*wire.Envelope{{completedEnv(0, `"hi ada"`)}},
		buffered: 1, changed: true,
		outbox: []string{"admin wfi.StepFlow at +1m0s"},
	}, {
		name:    "a buffered completion applies once its command is issued",
		batches: [][]*wire.Envelope{{completedEnv(0, `"hi ada"`)}, {dispatchEnv("c1")}},
		status:  wire.StatusRunning, changed: true,
		outbox: []string{`execute svc.StepGreeter "ada"`, "completed wfi.StepFlow at +1h0m0s"},
	}, {
		name:    "a completion for a position not issued yet waits",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {timerEnv(1)}},
		status:  wire.StatusRunning, buffered: 1, changed: true,
	}, {
		name:    "a failed task fails the instance",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {taskFailedEnv(0)}},
		status:  wire.StatusFailed, changed: true,
		outbox: []string{"result client.c1 "},
	}, {
		name:    "a cancel cancels the running task and answers",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {cancelEnv("c2")}},
		status:  wire.StatusCanceled, changed: true,
		outbox: []string{"cancel cancel.StepGreeter", "result client.c1 "},
		direct: []string{"reply client.c2"},
	}, {
		name:    "a cancel of a finished instance is refused",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {taskFailedEnv(0)}, {cancelEnv("c2")}},
		status:  wire.StatusFailed,
		direct:  []string{"reply client.c2 refused"},
	}, {
		name:     "a signal before the dispatch is buffered, for a minute",
		batches:  [][]*wire.Envelope{{signalEnv("c2")}},
		buffered: 1, changed: true,
		outbox: []string{"admin wfi.StepFlow at +1m0s"},
	}, {
		name:     "an early entry that expires before the dispatch is to be deleted",
		batches:  [][]*wire.Envelope{{signalEnv("c2")}, {expireEnv()}},
		buffered: 1, expired: true,
	}, {
		name:    "an early entry whose dispatch came is not deleted",
		batches: [][]*wire.Envelope{{signalEnv("c2")}, {dispatchEnv("c1"), expireEnv()}},
		status:  wire.StatusRunning, changed: true,
		outbox: []string{`execute svc.StepGreeter "ada"`},
		direct: []string{"reply client.c2"},
	}, {
		name:    "a signal is recorded and confirmed",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {signalEnv("c2")}},
		status:  wire.StatusRunning, changed: true,
		direct: []string{"reply client.c2"},
	}, {
		name:    "a duplicate signal is confirmed again, not recorded",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {signalEnv("c2")}, {signalEnv("c2")}},
		status:  wire.StatusRunning,
		direct:  []string{"reply client.c2"},
	}, {
		name:    "a dispatch with a timeout schedules its deadline",
		batches: [][]*wire.Envelope{{timedDispatchEnv("c1")}},
		status:  wire.StatusRunning, changed: true,
		outbox: []string{"admin wfi.StepFlow at +2h0m0s", `execute svc.StepGreeter "ada"`},
	}, {
		name:    "the deadline cancels the instance and its running task",
		batches: [][]*wire.Envelope{{timedDispatchEnv("c1")}, {deadlineEnv(0)}},
		status:  wire.StatusCanceled, changed: true,
		outbox: []string{"cancel cancel.StepGreeter", "result client.c1 "},
	}, {
		name:    "a deadline the instance does not have (an older one) is ignored",
		batches: [][]*wire.Envelope{{timedDispatchEnv("c1")}, {deadlineEnv(time.Minute)}},
		status:  wire.StatusRunning,
	}, {
		name:    "a deadline after the end changes nothing",
		batches: [][]*wire.Envelope{{timedDispatchEnv("c1")}, {taskFailedEnv(0)}, {deadlineEnv(0)}},
		status:  wire.StatusFailed,
	}, {
		name:    "a deadline for an unknown instance stores nothing",
		batches: [][]*wire.Envelope{{deadlineEnv(0)}},
	}, {
		name:    "a wait for an unknown instance is answered at once",
		batches: [][]*wire.Envelope{{waitEnv("c2")}},
		direct:  []string{"result client.c2 unknown"},
	}, {
		name:    "a wait for a running instance adds a waiter",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {waitEnv("c2")}, {completedEnv(0, `"hi"`)}, {timerEnv(1)}},
		status:  wire.StatusCompleted, changed: true,
		outbox: []string{`result client.c1 "hi!"`, `result client.c2 "hi!"`},
	}, {
		name:    "a wait for a finished instance gets its outcome",
		batches: [][]*wire.Envelope{{dispatchEnv("c1"), completedEnv(0, `"hi"`), timerEnv(1)}, {waitEnv("c2")}},
		status:  wire.StatusCompleted,
		direct:  []string{`result client.c2 "hi!"`},
	}, {
		name:    "a signal-with-start starts the instance, records the value and answers with the id",
		batches: [][]*wire.Envelope{{signalWithStartEnv("c2", "s1")}},
		status:  wire.StatusRunning, changed: true,
		outbox: []string{`execute svc.StepGreeter "ada"`},
		direct: []string{"reply client.c2 wf-1"},
	}, {
		name:    "a signal-with-start of a running instance only sends",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {signalWithStartEnv("c2", "s1")}},
		status:  wire.StatusRunning, changed: true,
		direct: []string{"reply client.c2 wf-1"},
	}, {
		name:    "two signal-with-starts in one step start the instance once",
		batches: [][]*wire.Envelope{{signalWithStartEnv("c2", "s1"), signalWithStartEnv("c3", "s2")}},
		status:  wire.StatusRunning, changed: true,
		outbox: []string{`execute svc.StepGreeter "ada"`},
		direct: []string{"reply client.c2 wf-1", "reply client.c3 wf-1"},
	}, {
		name:    "a signal-with-start racing a start: the start joins",
		batches: [][]*wire.Envelope{{signalWithStartEnv("c2", "s1")}, {dispatchEnv("c1")}},
		status:  wire.StatusRunning, changed: true,
	}, {
		name:    "a duplicate signal-with-start is confirmed again, not recorded",
		batches: [][]*wire.Envelope{{signalWithStartEnv("c2", "s1")}, {signalWithStartEnv("c2", "s1")}},
		status:  wire.StatusRunning,
		direct:  []string{"reply client.c2 wf-1"},
	}, {
		name:    "a signal-with-start after early messages applies them first",
		batches: [][]*wire.Envelope{{signalEnv("c3")}, {signalWithStartEnv("c2", "s1")}},
		status:  wire.StatusRunning, changed: true,
		outbox: []string{`execute svc.StepGreeter "ada"`},
		direct: []string{"reply client.c3", "reply client.c2 wf-1"},
	}, {
		name:    "a signal-with-start of an ended instance (by id) is refused",
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {taskFailedEnv(0)}, {signalWithStartEnv("c2", "s1")}},
		status:  wire.StatusFailed,
		direct:  []string{"reply client.c2 refused"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newStepEngine(t)
			in := &instance{id: stepID}
			defer closeInstance(in)
			for _, envs := range tt.batches {
				in.changed, in.direct = false, nil
				e.step(in, envs, stepStart)
			}
			var status wire.Status
			var outbox []wire.Outgoing
			buffered := 0
			if in.state != nil {
				status, outbox, buffered = in.state.Status, in.state.Outbox, len(in.state.Buffered)
			}
			if status != tt.status || buffered != tt.buffered || in.changed != tt.changed || in.expired != tt.expired {
				t.Errorf("status %d, buffered %d, changed %v, expired %v; want %d, %d, %v, %v",
					status, buffered, in.changed, in.expired, tt.status, tt.buffered, tt.changed, tt.expired)
			}
			if got := summary(t, outbox); !slices.Equal(got, tt.outbox) {
				t.Errorf("outbox:\n got %q\nwant %q", got, tt.outbox)
			}
			if got := summary(t, in.direct); !slices.Equal(got, tt.direct) {
				t.Errorf("direct:\n got %q\nwant %q", got, tt.direct)
			}
		})
	}
}

func loopEnv(waiter string) *wire.Envelope {
	env := dispatchEnv(waiter)
	env.Dispatch.Method, env.Dispatch.Input = "Loop", []byte(`0`)
	return env
}

func tickEnv(id string) *wire.Envelope {
	return &wire.Envelope{Kind: wire.KindSignal, WorkflowID: stepID, Workflow: "StepFlow",
		Signal: &wire.Signal{ID: id, Channel: "ticks", Payload: []byte(`1`)}}
}

func TestStepContinueAsNew(t *testing.T) {
	tests := []struct {
		name    string
		batches [][]*wire.Envelope
		cfg     WorkflowConfig
		// what the last step leaves
		status      wire.Status
		run, tail   int // State.Continued, len(State.Tail)
		outbox      []string
		errContains string
	}{{
		name:    "a run that continues as new starts again with an empty history",
		batches: [][]*wire.Envelope{{loopEnv("c1")}, {tickEnv("t1")}},
		status:  wire.StatusRunning, run: 1, tail: 2, // its start, its receive
	}, {
		name:    "the waiters get the outcome of the last run",
		batches: [][]*wire.Envelope{{loopEnv("c1")}, {tickEnv("t1")}, {tickEnv("t2")}, {tickEnv("t3")}},
		status:  wire.StatusCompleted, run: 2,
		outbox: []string{"result client.c1 2"},
	}, {
		name:    "values that no receive took go to the next run",
		batches: [][]*wire.Envelope{{loopEnv("c1")}, {tickEnv("t1"), tickEnv("t2")}},
		status:  wire.StatusRunning, run: 2, tail: 2,
	}, {
		name:    "a duplicate of a value of an earlier run is not applied again",
		batches: [][]*wire.Envelope{{loopEnv("c1")}, {tickEnv("t1")}, {tickEnv("t1")}},
		status:  wire.StatusRunning, run: 1, tail: 2,
	}, {
		name:    "the deadline spans the runs",
		batches: [][]*wire.Envelope{{func() *wire.Envelope { e := loopEnv("c1"); e.Dispatch.Timeout = 2 * time.Hour; return e }()}, {tickEnv("t1")}, {deadlineEnv(0)}},
		status:  wire.StatusCanceled, run: 1,
		outbox: []string{"result client.c1 "},
	}, {
		name:    "a history that reaches the limit fails the instance, suggesting ContinueAsNew",
		cfg:     WorkflowConfig{HistoryWarn: 2, HistoryLimit: 4},
		batches: [][]*wire.Envelope{{dispatchEnv("c1")}, {completedEnv(0, `"hi"`)}},
		status:  wire.StatusFailed, tail: 4,
		outbox:      []string{"completed wfi.StepFlow at +1h0m0s", "result client.c1 "},
		errContains: "workflow.ContinueAsNew",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newStepEngineWith(t, tt.cfg)
			in := &instance{id: stepID}
			defer closeInstance(in)
			for _, envs := range tt.batches {
				in.direct = nil
				e.step(in, envs, stepStart)
			}
			st := in.state
			if st.Status != tt.status || st.Continued != tt.run || len(st.Tail) != tt.tail {
				t.Errorf("status %d, run %d, tail %d; want %d, %d, %d", st.Status, st.Continued, len(st.Tail), tt.status, tt.run, tt.tail)
			}
			if got := summary(t, st.Outbox); !slices.Equal(got, tt.outbox) {
				t.Errorf("outbox:\n got %q\nwant %q", got, tt.outbox)
			}
			if tt.errContains != "" && (st.Error == nil || !strings.Contains(wire.ToError(st.Error).Error(), tt.errContains)) {
				t.Errorf("error %v, want it to say %q", wire.ToError(st.Error), tt.errContains)
			}
		})
	}
}

// A signal-with-start shows in the event stream: the dispatch names the
// value's channel and signal id, then the signal is received.
func TestStepSignalWithStartEvents(t *testing.T) {
	e := newStepEngineWith(t, WorkflowConfig{Events: true})
	in := &instance{id: stepID}
	defer closeInstance(in)
	e.step(in, []*wire.Envelope{signalWithStartEnv("c2", "s1")}, stepStart)
	var types []string
	for _, ev := range in.events {
		types = append(types, ev.Type)
	}
	want := []string{wire.EventWorkflowDispatched, wire.EventWorkflowStarted, wire.EventTaskDispatched, wire.EventSignalReceived}
	if !slices.Equal(types, want) {
		t.Fatalf("events %q, want %q", types, want)
	}
	if d := in.events[0].Data; d.Channel != "nobody-listens" || d.SignalID != "s1" {
		t.Errorf("dispatch event data %+v: want the channel and the signal id", d)
	}
}

func stubbornEnv(waiter string) *wire.Envelope {
	env := dispatchEnv(waiter)
	env.Dispatch.Method = "Stubborn"
	return env
}

// graceEnv is the message that ends the grace period of a cancel applied
// at stepStart (a minute).
func graceEnv() *wire.Envelope {
	return wire.TimeoutMessage("StepFlow", stepID, "x", stepStart.Add(time.Minute)).Envelope
}

// Code that handles cancels (workflow.HandleCancel) gets them: it runs its
// cleanup, bounded by its grace period, then the instance ends canceled.
func TestStepHandleCancel(t *testing.T) {
	tests := []struct {
		name    string
		batches [][]*wire.Envelope
		status  wire.Status
		outbox  []string
		direct  []string
	}{{
		name:    "a cancel reaches the code: the task is canceled, the cleanup runs, the grace period starts",
		batches: [][]*wire.Envelope{{stubbornEnv("c1")}, {cancelEnv("c2")}},
		status:  wire.StatusRunning,
		outbox:  []string{"cancel cancel.StepGreeter", "admin wfi.StepFlow at +1m0s", "completed wfi.StepFlow at +1h0m0s"},
		direct:  []string{"reply client.c2"},
	}, {
		name:    "a second cancel during the cleanup changes nothing",
		batches: [][]*wire.Envelope{{stubbornEnv("c1")}, {cancelEnv("c2")}, {cancelEnv("c3")}},
		status:  wire.StatusRunning,
		direct:  []string{"reply client.c3"},
	}, {
		name:    "the task's late outcome is ignored",
		batches: [][]*wire.Envelope{{stubbornEnv("c1")}, {cancelEnv("c2")}, {completedEnv(0, `"hi"`)}},
		status:  wire.StatusRunning,
	}, {
		name:    "the cleanup ends: the instance ends canceled",
		batches: [][]*wire.Envelope{{stubbornEnv("c1")}, {cancelEnv("c2")}, {timerEnv(1)}},
		status:  wire.StatusCanceled,
		outbox:  []string{"result client.c1 "},
	}, {
		name:    "the grace period ends first: the instance is canceled at once",
		batches: [][]*wire.Envelope{{stubbornEnv("c1")}, {cancelEnv("c2")}, {graceEnv()}},
		status:  wire.StatusCanceled,
		outbox:  []string{"result client.c1 "},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newStepEngine(t)
			in := &instance{id: stepID}
			defer closeInstance(in)
			for _, envs := range tt.batches {
				in.direct = nil
				e.step(in, envs, stepStart)
			}
			st := in.state
			if st.Status != tt.status {
				t.Errorf("status %d, want %d", st.Status, tt.status)
			}
			if got := summary(t, st.Outbox); !slices.Equal(got, tt.outbox) {
				t.Errorf("outbox:\n got %q\nwant %q", got, tt.outbox)
			}
			if got := summary(t, in.direct); !slices.Equal(got, tt.direct) {
				t.Errorf("direct:\n got %q\nwant %q", got, tt.direct)
			}
			if tt.status == wire.StatusCanceled && !errors.Is(wire.ToError(st.Error), infinitic.ErrCanceled) {
				t.Errorf("error %v, want it canceled", wire.ToError(st.Error))
			}
		})
	}
}
