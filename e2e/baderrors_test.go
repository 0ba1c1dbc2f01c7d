package e2e_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Errors that user code can return and that must neither crash a worker
// nor hang an engine.
type (
	// nilPointerErr is returned as a typed nil: its Error panics on nil.
	nilPointerErr struct{ Msg string }
	// panickyErr's Error method panics.
	panickyErr struct{}
	// panickyJSONErr's MarshalJSON panics (the engine encodes error fields).
	panickyJSONErr struct{ Code int }
	// selfWrappingErr unwraps to itself: errors.Is would loop forever.
	selfWrappingErr struct{ Msg string }
)

func (e *nilPointerErr) Error() string              { return e.Msg }
func (panickyErr) Error() string                    { panic("Error() exploded") }
func (panickyJSONErr) Error() string                { return "fields cannot be encoded" }
func (panickyJSONErr) MarshalJSON() ([]byte, error) { panic("MarshalJSON exploded") }
func (e *selfWrappingErr) Error() string            { return e.Msg }
func (e *selfWrappingErr) Unwrap() error            { return e }
func badError(kind string) error {
	switch kind {
	case "typed nil":
		var e *nilPointerErr
		return e
	case "panicking Error":
		return panickyErr{}
	case "panicking MarshalJSON":
		return panickyJSONErr{Code: 7}
	case "self-wrapping":
		return &selfWrappingErr{Msg: "I wrap myself"}
	case "non-retryable self-wrapping":
		return infinitic.NonRetryable(&selfWrappingErr{Msg: "I wrap myself"})
	case "panicking RetryDecider":
		return errDeciderPanics
	}
	return nil
}

// BadErrors returns the bad error named by kind.
type BadErrors interface {
	Fail(ctx context.Context, kind string) (int, error)
}

type badErrors struct{}

func (badErrors) Fail(_ context.Context, kind string) (int, error) { return 0, badError(kind) }

var errDeciderPanics = errors.New("the RetryDecider panics on this one")

// RetryDelay retries once, and panics on errDeciderPanics. (errors.Is
// would loop forever on the self-wrapping error.)
func (badErrors) RetryDelay(_ string, retry int, err error) (time.Duration, bool) {
	if err == errDeciderPanics {
		panic("RetryDecider exploded")
	}
	return time.Millisecond, retry <= 1
}

// BadErrorsFlow gets bad errors from a task, or returns them itself.
type BadErrorsFlow interface {
	FromTask(ctx workflow.Context, kind string) (int, error)
	Return(ctx workflow.Context, kind string) (int, error)
	OK(ctx workflow.Context, n int) (int, error)
}

type badErrorsFlow struct{}

func (badErrorsFlow) FromTask(ctx workflow.Context, kind string) (int, error) {
	return workflow.Call(ctx, BadErrors.Fail, kind)
}

func (badErrorsFlow) Return(_ workflow.Context, kind string) (int, error) { return 0, badError(kind) }

func (badErrorsFlow) OK(_ workflow.Context, n int) (int, error) { return n, nil }

func registerBadErrors(t *testing.T, w *worker.Worker) {
	t.Helper()
	if err := errors.Join(
		worker.AddService[BadErrors](w, badErrors{}),
		worker.AddWorkflow(w, func() BadErrorsFlow { return badErrorsFlow{} }),
	); err != nil {
		t.Fatal(err)
	}
}

// Issue 10, items 1 and 2: a typed nil error, an error whose Error or
// MarshalJSON panics, an error that wraps itself, returned by a task or by
// workflow code, and a RetryDecider that panics, fail that workflow with a
// clear error; the worker keeps running other workflows.
func TestBadErrorsFailCleanly(t *testing.T) {
	cases := []struct {
		kind     string
		message  string // in the task's or workflow's error
		attempts int    // task attempts
	}{
		{"typed nil", "a nil *e2e_test.nilPointerErr returned as a non-nil error", 1},
		{"panicking Error", "e2e_test.panickyErr.Error() panicked: Error() exploded", 2},
		{"panicking MarshalJSON", "fields cannot be encoded", 2},
		{"self-wrapping", "I wrap myself", 2},
		{"non-retryable self-wrapping", "I wrap myself", 1},
		{"panicking RetryDecider", "the RetryDecider panics on this one", 1},
	}
	onBackends(t, registerBadErrors, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		for _, c := range cases {
			_, err := client.Execute(ctx, d.Client, BadErrorsFlow.FromTask, c.kind)
			var task *infinitic.TaskFailedError
			if !errors.As(err, &task) || task.Attempt != c.attempts || !strings.Contains(task.Error(), c.message) {
				t.Errorf("%s from a task: want a TaskFailedError after %d attempt(s) saying %q, got %v", c.kind, c.attempts, c.message, err)
			}
			_, err = client.Execute(ctx, d.Client, BadErrorsFlow.Return, c.kind)
			var wf *infinitic.WorkflowFailedError
			if !errors.As(err, &wf) || !strings.Contains(err.Error(), c.message) {
				t.Errorf("%s from workflow code: want a WorkflowFailedError saying %q, got %v", c.kind, c.message, err)
			}
			if chain := infinitic.ErrorChain(err); strings.Count(chain, "\n") > 40 {
				t.Errorf("%s: chain not cut:\n%s", c.kind, chain)
			}
		}
		if got, err := client.Execute(ctx, d.Client, BadErrorsFlow.OK, 5); err != nil || got != 5 {
			t.Fatalf("another workflow after the bad errors: %d %v", got, err)
		}
	})
}
