package replay

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// The runtime: workflow code fed a history of events, live or replayed,
// gives the same commands, the same outcome, or a non-determinism error.

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func raw(b []byte) (any, error) { return b, nil }

func task(co *Coroutine, target string) ([]byte, error) {
	f := co.Issue(Request{Command: wire.Command{Kind: wire.CommandTask, Target: target}}, raw)
	co.Await(f)
	v, err := f.Outcome()
	b, _ := v.([]byte)
	return b, err
}

// twoTasks runs S.a then S.b and returns their outputs joined.
func twoTasks(ctx Context, _ string, _ []byte) ([]byte, error) {
	a, err := task(ctx.Coroutine(), "S.a")
	if err != nil {
		return nil, err
	}
	b, err := task(ctx.Coroutine(), "S.b")
	return append(a, b...), err
}

// receiveTwice takes two values of channel c and returns them joined.
func receiveTwice(ctx Context, _ string, _ []byte) ([]byte, error) {
	co := ctx.Coroutine()
	var out []byte
	for range 2 {
		f := co.Receive("c", func([]byte) bool { return true }, raw)
		co.Await(f)
		v, _ := f.Outcome()
		out = append(out, v.([]byte)...)
	}
	return out, nil
}

// taskThenReceive runs S.a, then takes a value of channel c.
func taskThenReceive(ctx Context, _ string, _ []byte) ([]byte, error) {
	co := ctx.Coroutine()
	out, err := task(co, "S.a")
	if err != nil {
		return nil, err
	}
	f := co.Receive("c", func([]byte) bool { return true }, raw)
	co.Await(f)
	v, _ := f.Outcome()
	return append(out, v.([]byte)...), nil
}

// inlineThenTask records an inline result, then runs S.a with it.
func inlineThenTask(ctx Context, _ string, _ []byte) ([]byte, error) {
	co := ctx.Coroutine()
	id, err := co.Inline(func() ([]byte, error) { return []byte("live"), nil })
	if err != nil {
		return nil, err
	}
	out, err := task(co, "S.a")
	return append(id, out...), err
}

func resolve(position int, output string) *wire.Event {
	return &wire.Event{At: t0, Position: position, Output: []byte(output)}
}

func signal(id, payload string) *wire.Event {
	return &wire.Event{At: t0, Position: wire.SignalPosition, Signal: &wire.Signal{ID: id, Channel: "c", Payload: []byte(payload)}}
}

func taskCmd(target string) wire.Command { return wire.Command{Kind: wire.CommandTask, Target: target} }

func TestRuntime(t *testing.T) {
	failed := resolve(0, "")
	failed.Error = wire.FromError(errors.New("no luck"))
	tests := []struct {
		name     string
		code     func(ctx Context, method string, input []byte) ([]byte, error)
		recorded []wire.Command // the history's commands: replayed, not requested again
		events   []*wire.Event  // after the start
		// want
		requests []string // targets of the new commands, in order
		done     bool
		output   string
		err      string // "" for none
		diverged int    // position of a non-determinism error, -1 for none
	}{{
		name: "live: the start issues the first task", code: twoTasks,
		requests: []string{"S.a"}, diverged: -1,
	}, {
		name: "live: a completion issues the next task", code: twoTasks,
		events:   []*wire.Event{resolve(0, "x")},
		requests: []string{"S.a", "S.b"}, diverged: -1,
	}, {
		name: "live: the last completion ends the method", code: twoTasks,
		events:   []*wire.Event{resolve(0, "x"), resolve(1, "y")},
		requests: []string{"S.a", "S.b"}, done: true, output: "xy", diverged: -1,
	}, {
		name: "replay: recorded commands are not requested again", code: twoTasks,
		recorded: []wire.Command{taskCmd("S.a"), taskCmd("S.b")},
		events:   []*wire.Event{resolve(0, "x"), resolve(1, "y")},
		done:     true, output: "xy", diverged: -1,
	}, {
		name: "replay then live: only commands past the history are new", code: twoTasks,
		recorded: []wire.Command{taskCmd("S.a")},
		events:   []*wire.Event{resolve(0, "x")},
		requests: []string{"S.b"}, diverged: -1,
	}, {
		name: "a failed task fails the method", code: twoTasks,
		events:   []*wire.Event{failed},
		requests: []string{"S.a"}, done: true, err: "no luck", diverged: -1,
	}, {
		name: "code that issues another command than its history diverges", code: twoTasks,
		recorded: []wire.Command{taskCmd("S.other")},
		diverged: 0,
	}, {
		name: "code that issues another kind of command diverges", code: twoTasks,
		recorded: []wire.Command{taskCmd("S.a"), {Kind: wire.CommandTimer}},
		events:   []*wire.Event{resolve(0, "x")},
		diverged: 1,
	}, {
		name: "a resolution of a position that awaits none diverges", code: twoTasks,
		events:   []*wire.Event{resolve(5, "x")},
		requests: []string{"S.a"}, diverged: 5,
	}, {
		name: "signals are taken in arrival order", code: receiveTwice,
		events:   []*wire.Event{signal("1", "a"), signal("2", "b")},
		requests: []string{"c", "c"}, done: true, output: "ab", diverged: -1,
	}, {
		name: "a signal sent before its receive is kept for it", code: taskThenReceive,
		events:   []*wire.Event{signal("1", "a"), resolve(0, "x")},
		requests: []string{"S.a", "c"}, done: true, output: "xa", diverged: -1,
	}, {
		name: "live: an inline function runs and its result is recorded", code: inlineThenTask,
		events:   []*wire.Event{resolve(1, "!")},
		requests: []string{"", "S.a"}, done: true, output: "live!", diverged: -1,
	}, {
		name: "replay: an inline function returns its recorded result", code: inlineThenTask,
		recorded: []wire.Command{{Kind: wire.CommandInline, Output: []byte("recorded")}, taskCmd("S.a")},
		events:   []*wire.Event{resolve(1, "!")},
		done:     true, output: "recorded!", diverged: -1,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := New(Config{Info: Info{ID: "wf-1", Workflow: "W", Method: "Run"}, Codec: infinitic.JSON, Recorded: tt.recorded, Run: tt.code})
			defer rt.Close()
			rt.Start(&wire.Event{At: t0, Method: "Run", Position: -1})
			requests := rt.TakeRequests()
			for _, ev := range tt.events {
				if ev.Signal != nil {
					rt.Signal(ev)
				} else {
					rt.Apply(ev)
				}
				requests = append(requests, rt.TakeRequests()...)
			}
			var targets []string
			for _, r := range requests {
				targets = append(targets, r.Command.Target)
			}
			if !slices.Equal(targets, tt.requests) {
				t.Errorf("requests %q, want %q", targets, tt.requests)
			}
			var nd *infinitic.NonDeterminismError
			switch err := rt.Failure(); {
			case tt.diverged < 0 && err != nil:
				t.Fatalf("unexpected failure: %v", err)
			case tt.diverged >= 0 && (!errors.As(err, &nd) || nd.Position != tt.diverged):
				t.Fatalf("failure %v, want a non-determinism at position %d", err, tt.diverged)
			case tt.diverged >= 0:
				return
			}
			done, out, err := rt.Outcome()
			if done != tt.done || string(out) != tt.output || (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
				t.Errorf("outcome %v %q %v, want %v %q %q", done, out, err, tt.done, tt.output, tt.err)
			}
		})
	}
}

// Expects tells the engine which completions to apply: one awaited by a
// command of at least the outcome's generation, and only once.
func TestExpects(t *testing.T) {
	rt := New(Config{Info: Info{ID: "wf-1"}, Codec: infinitic.JSON, Run: twoTasks})
	defer rt.Close()
	rt.SetGeneration(1)
	rt.Start(&wire.Event{At: t0, Method: "Run", Position: -1})
	for _, c := range []struct {
		position, gen int
		want          bool
	}{{0, 1, true}, {0, 2, true}, {0, 0, false}, {1, 1, false}} {
		if got := rt.Expects(c.position, c.gen); got != c.want {
			t.Errorf("Expects(%d, %d) = %v, want %v", c.position, c.gen, got, c.want)
		}
	}
	rt.Apply(resolve(0, "x"))
	if rt.Expects(0, 1) {
		t.Error("a resolved position still expects an outcome")
	}
	if !rt.Expects(1, 1) || rt.Issued() != 2 {
		t.Errorf("after the first task: Expects(1) = %v, Issued = %d", rt.Expects(1, 1), rt.Issued())
	}
}

// Rand is seeded by the instance id: a replay draws the same numbers.
func TestRandIsSeededByID(t *testing.T) {
	draw := func(id string) (n int) {
		rt := New(Config{Info: Info{ID: id}, Codec: infinitic.JSON, Run: func(ctx Context, _ string, _ []byte) ([]byte, error) {
			n = ctx.Coroutine().Rand().Int()
			return nil, nil
		}})
		defer rt.Close()
		rt.Start(&wire.Event{At: t0, Method: "Run", Position: -1})
		return n
	}
	first, again, other := draw("a"), draw("a"), draw("b")
	if first != again || first == other {
		t.Error("Rand must depend on the instance id only")
	}
}
