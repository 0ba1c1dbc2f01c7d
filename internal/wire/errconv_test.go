package wire

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic"
)

type selfWrapping struct{}

func (*selfWrapping) Error() string   { return "self" }
func (e *selfWrapping) Unwrap() error { return e }

type panickyError struct{}

func (panickyError) Error() string { panic("boom") }

type panickyFields struct{ Code int }

func (panickyFields) Error() string                { return "fields" }
func (panickyFields) MarshalJSON() ([]byte, error) { panic("boom") }

type nilPointer struct{}

func (*nilPointer) Error() string { return "never called on nil" }

// Errors from user code that misbehave are encoded without panicking or
// looping, into a chain that still decodes.
func TestFromErrorOfBadErrors(t *testing.T) {
	var np *nilPointer
	cases := []struct {
		name    string
		err     error
		message string
	}{
		{"typed nil", np, "a nil *wire.nilPointer returned as a non-nil error"},
		{"typed nil task failure", (*infinitic.TaskFailedError)(nil), "a nil *infinitic.TaskFailedError"},
		{"panicking Error", panickyError{}, "wire.panickyError.Error() panicked: boom"},
		{"panicking MarshalJSON", panickyFields{Code: 1}, "fields"},
		{"self-wrapping", fmt.Errorf("outer: %w", &selfWrapping{}), "outer: self"},
		{"self-wrapping task cause", &infinitic.TaskFailedError{Service: "S", Method: "M", Cause: &selfWrapping{}}, "task S.M"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := FromError(c.err)
			if !strings.HasPrefix(w.Message, c.message) {
				t.Errorf("message %q, want prefix %q", w.Message, c.message)
			}
			data, err := Marshal(&Envelope{Kind: KindCompleted, WorkflowID: "id", Workflow: "W", Completed: &Completed{Error: w}})
			if err != nil {
				t.Fatal(err)
			}
			env, err := DecodeEnvelope(data)
			if err != nil {
				t.Fatalf("encoded chain does not decode: %v", err)
			}
			if chain := infinitic.ErrorChain(ToError(env.Completed.Error)); strings.Count(chain, "\n") > 40 {
				t.Errorf("chain not cut:\n%s", chain)
			}
		})
	}
}

// A timed-out instance's error keeps matching ErrWorkflowTimedOut and
// ErrCanceled across the wire, also when user code wrapped it.
func TestTimedOutAcrossTheWire(t *testing.T) {
	timedOut := &infinitic.CanceledError{Workflow: "W", ID: "id", Reason: "deadline", TimedOut: true}
	for _, c := range []struct {
		name     string
		err      error
		timedOut bool
	}{
		{"timed out", timedOut, true},
		{"wrapped by user code", fmt.Errorf("child: %w", timedOut), true},
		{"canceled by request", &infinitic.CanceledError{Workflow: "W", ID: "id", Reason: "asked"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ToError(FromError(c.err))
			if errors.Is(got, infinitic.ErrWorkflowTimedOut) != c.timedOut || !errors.Is(got, infinitic.ErrCanceled) || errors.Is(got, infinitic.ErrTimeout) {
				t.Errorf("%v: timed out %v, canceled %v, timeout %v", got, errors.Is(got, infinitic.ErrWorkflowTimedOut),
					errors.Is(got, infinitic.ErrCanceled), errors.Is(got, infinitic.ErrTimeout))
			}
		})
	}
}
