package engine

import (
	"testing"

	"github.com/infinitic-go/infinitic/internal/wire"
)

// FuzzStep applies arbitrary envelopes to a new or a running instance:
// whatever reaches an engine, the step neither panics nor hangs, and the
// state it would save decodes again.
func FuzzStep(f *testing.F) {
	for _, env := range []*wire.Envelope{dispatchEnv("c1"), completedEnv(0, `"hi"`), timerEnv(1), taskFailedEnv(0),
		cancelEnv("c2"), signalEnv("c2"), waitEnv("c3"), signalWithStartEnv("c2", "s1")} {
		data, err := wire.Marshal(env)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
		f.Add(data, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, running bool) {
		env, err := wire.DecodeEnvelope(data)
		if err != nil || env.CheckLimits() != nil {
			return // dead-lettered before any step
		}
		// The engine groups messages by instance, of its own workflow.
		env.Workflow, env.WorkflowID = "StepFlow", stepID
		e := newStepEngine(t)
		in := &instance{id: stepID}
		defer closeInstance(in)
		if running {
			e.step(in, []*wire.Envelope{dispatchEnv("c1")}, stepStart)
		}
		e.step(in, []*wire.Envelope{env, env}, stepStart) // and a duplicate
		if in.state == nil {
			return
		}
		saved, err := wire.Marshal(in.state)
		if err != nil {
			t.Fatalf("state does not encode: %v", err)
		}
		if _, err := wire.DecodeState(saved); err != nil {
			t.Fatalf("saved state does not decode: %v", err)
		}
	})
}
