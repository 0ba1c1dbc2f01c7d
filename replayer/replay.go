// Package replayer replays recorded histories against the current
// workflow code, to check before a deploy that a change is compatible with
// the instances that run.
//
// A running instance is replayed from its history whenever a worker loads
// it: if the new code issues other commands than the history recorded (a
// call swapped, a task renamed, a timer removed), the instance fails with
// a *infinitic.NonDeterminismError. Replay runs the same check in a test,
// with no deployment: keep histories of real instances as files (exported
// with `infinitic workflow export`, or Load and Write), and replay them in
// a test of the workflow's package:
//
//	func TestHistoriesStillReplay(t *testing.T) {
//		files, _ := filepath.Glob("testdata/histories/*.json")
//		for _, name := range files {
//			h, err := replayer.ReadFile(name)
//			if err != nil {
//				t.Fatal(err)
//			}
//			if err := replayer.Replay(h, func() Shop { return &shop{} }); err != nil {
//				t.Errorf("%s: %v", name, err)
//			}
//		}
//	}
//
// Only running and failed instances keep a history (a completed or
// canceled one keeps its outcome): they are the ones a deploy affects.
package replayer

import (
	"fmt"
	"log/slog"
	"reflect"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/engine"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/workflow"
)

// Option configures Replay.
type Option func(*options)

type options struct {
	codec   infinitic.Codec
	aliases []infinitic.Alias
}

// WithCodec sets the payload codec the workers use (default infinitic.JSON).
func WithCodec(c infinitic.Codec) Option { return func(o *options) { o.codec = c } }

// WithAliases sets the wire names the workers use (worker.Config.Aliases).
func WithAliases(a ...infinitic.Alias) Option { return func(o *options) { o.aliases = a } }

// Replay runs the workflow code of the implementation newW returns on
// history h, as a worker does when it loads the instance, and returns nil
// if the code issues the commands of the history, in the same order, up to
// its end. Otherwise it returns a *infinitic.NonDeterminismError naming the
// first position that differs, what the history has there and what the
// code issued ("no command at this position" when the code ended or waits
// elsewhere before the end of the history). W is the workflow's contract
// (its interface), as for worker.AddWorkflow; its name must be the
// history's workflow.
func Replay[W any](h *History, newW func() W, opts ...Option) error {
	o := options{codec: infinitic.JSON}
	for _, opt := range opts {
		opt(&o)
	}
	names, err := naming.NewTable(o.aliases)
	if err != nil {
		return fmt.Errorf("replayer: %w", err)
	}
	c, err := engine.NewContract(reflect.TypeFor[W](), reflect.TypeFor[workflow.Context](), names)
	if err != nil {
		return fmt.Errorf("replayer: %w", err)
	}
	if c.Name != h.Workflow {
		return fmt.Errorf("replayer: the history is of workflow %s, not %s", h.Workflow, c.Name)
	}
	st, err := h.state()
	if err != nil {
		return err
	}
	env := engine.Env{Codec: o.codec, Names: names, Logger: slog.New(slog.DiscardHandler)}
	cfg := engine.WorkflowConfig{Contract: c, Versions: map[int]func() any{st.Version: func() any { return newW() }}}
	if err := engine.CheckHistory(env, cfg, st); err != nil {
		return fmt.Errorf("replayer: %w", err)
	}
	return nil
}
