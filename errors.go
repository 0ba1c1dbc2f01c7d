package infinitic

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/infinitic-go/infinitic/internal/errsafe"
)

// Sentinel errors. Match them with errors.Is.
var (
	// ErrNotInWorkflow is returned by workflow API calls made outside
	// workflow code (with a nil or foreign context).
	ErrNotInWorkflow = errors.New("infinitic: workflow API called outside a workflow")
	// ErrUnknownMethod is returned for a method the contract does not have.
	ErrUnknownMethod = errors.New("infinitic: unknown method")
	// ErrInvalidContract is returned when a type cannot serve as a service
	// or workflow contract (not an interface, nil implementation, bad method
	// signature, invalid name).
	ErrInvalidContract = errors.New("infinitic: invalid contract")
	// ErrDecode is returned when a payload cannot be decoded into the
	// expected type.
	ErrDecode = errors.New("infinitic: cannot decode payload")
	// ErrInstanceNotFound is returned by operations on a workflow instance
	// id the engine has no state for: it never started, or its outcome was
	// deleted after its retention (worker.WithRetention).
	ErrInstanceNotFound = errors.New("infinitic: workflow instance not found")
	// ErrNotFailed is returned when retrying (client Run.RetryTasks,
	// Run.RetryWorkflowTask) an instance that has not failed, or that has
	// no failed task matching the retry's selection.
	ErrNotFailed = errors.New("infinitic: the workflow instance has not failed")
	// ErrWorkflowFinished is returned when sending to a workflow that
	// already completed or failed.
	ErrWorkflowFinished = errors.New("infinitic: workflow already finished")
	// ErrCanceled is matched (errors.Is) by every *CanceledError.
	ErrCanceled = errors.New("infinitic: canceled")
	// ErrWorkflowTimedOut is matched by the *CanceledError of an instance
	// canceled because its own deadline passed (client.WithTimeout): it
	// matches ErrCanceled too, since the instance is canceled (status
	// canceled, children canceled), but not ErrTimeout, which is a
	// caller's timeout (a task attempt, a child awaited WithTimeout).
	ErrWorkflowTimedOut = errors.New("infinitic: workflow timed out")
	// ErrNonDeterministic is matched (errors.Is) by every
	// *NonDeterminismError.
	ErrNonDeterministic = errors.New("infinitic: non-deterministic workflow")
	// ErrTimeout is matched by timeouts (task attempts, child workflows).
	ErrTimeout = errors.New("infinitic: timeout")
	// ErrCustomIDInUse is returned when retrying a failed instance whose
	// custom id a newer running instance owns (see client.WithCustomID).
	ErrCustomIDInUse = errors.New("infinitic: custom id owned by another running instance")
	// ErrInvalidInline fails a workflow whose code called the workflow API
	// (a task, child, timer, channel, Async, Await, Rand...) inside the
	// function given to workflow.Inline, which must only run plain Go code.
	ErrInvalidInline = errors.New("infinitic: invalid inline: workflow API called inside workflow.Inline")
	// ErrWorkflowCorrupt is returned to callers of a workflow instance
	// whose stored state or history cannot be decoded: its engine cannot
	// run it, and its messages go to the dead letters.
	ErrWorkflowCorrupt = errors.New("infinitic: workflow instance corrupt")
)

// RemoteError is an error returned by user code on another process,
// rebuilt from the wire. It keeps the original type name, message, stack
// and the error value's exported fields (as JSON).
type RemoteError struct {
	Type    string          // Go type of the original error, e.g. "*payment.DeclinedError"
	Message string          // original Error() text
	Stack   string          // stack where the error was caught, if known
	Fields  json.RawMessage // JSON of the original error value, if it had fields
	// Code is set when the original error matched one of this package's
	// sentinel errors: errors.Is still matches it after the trip.
	Code string
	// Cause is the original error's own cause (what errors.Unwrap gave).
	Cause error
}

func (e *RemoteError) Error() string { return e.Message }

// Unwrap returns the original error's cause, rebuilt.
func (e *RemoteError) Unwrap() error { return e.Cause }

// Is matches the sentinel error the original error matched.
func (e *RemoteError) Is(target error) bool {
	if e.Code == "" {
		return false
	}
	code := SentinelCode(target)
	return code == e.Code || (e.Code == timedOutCode && code == canceledCode)
}

// Codes of sentinels that imply another: a timed-out workflow is canceled.
const (
	timedOutCode = "workflow-timed-out"
	canceledCode = "canceled"
)

// sentinels gives each sentinel error a stable code for the wire, in the
// order SentinelCode tries them. Retired codes, never to be reused:
// "unknown-service", "unknown-workflow".
var sentinels = []struct {
	code string
	err  error
}{
	{timedOutCode, ErrWorkflowTimedOut},
	{canceledCode, ErrCanceled},
	{"timeout", ErrTimeout},
	{"non-deterministic", ErrNonDeterministic},
	{"workflow-finished", ErrWorkflowFinished},
	{"not-failed", ErrNotFailed},
	{"workflow-unknown", ErrInstanceNotFound},
	{"not-in-workflow", ErrNotInWorkflow},
	{"unknown-method", ErrUnknownMethod},
	{"invalid-contract", ErrInvalidContract},
	{"decode", ErrDecode},
	{"custom-id-in-use", ErrCustomIDInUse},
	{"invalid-inline", ErrInvalidInline},
	{"limit-exceeded", ErrLimitExceeded},
	{"workflow-corrupt", ErrWorkflowCorrupt},
}

// SentinelCode returns the wire code of a sentinel error of this package
// that err matches, or "": err itself if it is one, else the first that
// errors.Is matches, trying ErrWorkflowTimedOut, ErrCanceled, ErrTimeout, ErrNonDeterministic,
// ErrWorkflowFinished, ErrNotFailed, ErrInstanceNotFound, then the
// others; else the first sentinel registered with RegisterError that it
// matches, by name. The wire encoding uses it so that errors.Is still
// matches after the trip (see RemoteError.Code); users rarely need it.
func SentinelCode(err error) string {
	for _, s := range sentinels {
		if err == s.err {
			return s.code
		}
	}
	for _, s := range sentinels {
		if errsafe.Is(err, s.err) {
			return s.code
		}
	}
	return userSentinelCode(err)
}

// DecodeFields unmarshals the original error's fields into target, for
// example a *payment.DeclinedError.
func (e *RemoteError) DecodeFields(target any) error {
	if len(e.Fields) == 0 {
		return fmt.Errorf("%w: remote error %s has no fields", ErrDecode, e.Type)
	}
	if err := json.Unmarshal(e.Fields, target); err != nil {
		return fmt.Errorf("%w: fields of remote error %s: %w", ErrDecode, e.Type, err)
	}
	return nil
}

// TaskFailedError is what a workflow gets when a task failed after all its
// retries. Unwrap returns the last attempt's error.
type TaskFailedError struct {
	Service  string
	Method   string
	TaskID   string
	Attempt  int     // number of the last attempt (1-based)
	Cause    error   // the last attempt's error
	Previous []error // the errors of earlier attempts, oldest first
}

func (e *TaskFailedError) Error() string {
	return fmt.Sprintf("task %s.%s (id %s) failed after %d attempt(s): %v", e.Service, e.Method, e.TaskID, e.Attempt, e.Cause)
}

func (e *TaskFailedError) Unwrap() error { return e.Cause }

// WorkflowFailedError is what a client or a parent workflow gets when a
// workflow method failed. Unwrap returns the cause: a *TaskFailedError, a
// child's *WorkflowFailedError, a *RemoteError returned by the workflow code,
// a *NonDeterminismError, a *CanceledError...
type WorkflowFailedError struct {
	Workflow string
	ID       string
	Method   string
	Cause    error
}

func (e *WorkflowFailedError) Error() string {
	return fmt.Sprintf("workflow %s.%s (id %s) failed: %v", e.Workflow, e.Method, e.ID, e.Cause)
}

func (e *WorkflowFailedError) Unwrap() error { return e.Cause }

// NonDeterminismError reports workflow code that no longer matches its
// history: at Position it issued Got where the history recorded Want.
type NonDeterminismError struct {
	Workflow string
	ID       string
	Method   string
	Position int
	Want     string
	Got      string
}

func (e *NonDeterminismError) Error() string {
	return fmt.Sprintf("non-deterministic workflow %s.%s (id %s) at position %d: history has %s, code issued %s (%s)",
		e.Workflow, e.Method, e.ID, e.Position, e.Want, e.Got, e.hint())
}

// hint says what usually causes the mismatch.
func (e *NonDeterminismError) hint() string {
	const fix = "deploy changed code as a new version (worker.WithVersion) so that running instances keep theirs; " +
		"to resume this instance, deploy code that matches its history and use RetryWorkflowTask"
	if e.Got == NoCommandIssued {
		return "the code ended, or waits on something else, before the point its history reached: " +
			"usually a call was removed or moved, or a condition now takes another branch " +
			"(replay histories before a deploy with package replayer); " + fix
	}
	return "usually the workflow's code changed while this instance ran, or depends on something else than its history " +
		"(time.Now, rand, map order, goroutines: use workflow.Now, workflow.Rand, sorted keys, workflow.Async; " +
		"'infinitic vet' finds them); " + fix
}

// NoCommandIssued is NonDeterminismError.Got when the history resolves a
// position for which the code issued no command.
const NoCommandIssued = "no command at this position"

// Is makes errors.Is(err, ErrNonDeterministic) true.
func (e *NonDeterminismError) Is(target error) bool { return target == ErrNonDeterministic }

// TimeoutError reports a task attempt or a child workflow that did not
// finish in time. It matches ErrTimeout.
type TimeoutError struct{ What string }

func (e *TimeoutError) Error() string { return "timeout: " + e.What }

// Is makes errors.Is(err, ErrTimeout) true.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// CanceledError reports a canceled workflow (ID set) or a Deferred
// canceled by workflow code. It matches ErrCanceled, and also
// ErrWorkflowTimedOut when TimedOut is set.
type CanceledError struct {
	Workflow string
	ID       string
	Reason   string
	// TimedOut tells that the instance was canceled by its own deadline
	// (client.WithTimeout), not by a request.
	TimedOut bool
}

func (e *CanceledError) Error() string {
	if e.ID == "" {
		return "canceled: " + e.Reason
	}
	return fmt.Sprintf("workflow %s (id %s) canceled: %s", e.Workflow, e.ID, e.Reason)
}

// Is makes errors.Is(err, ErrCanceled) true, and errors.Is(err,
// ErrWorkflowTimedOut) for a timed-out instance.
func (e *CanceledError) Is(target error) bool {
	return target == ErrCanceled || (e.TimedOut && target == ErrWorkflowTimedOut)
}

// PanicError is a panic in user code, caught and turned into an error.
type PanicError struct {
	Value string
	Stack string
}

func (e *PanicError) Error() string { return "panic: " + e.Value }

// nonRetryable marks an error that must not be retried.
type nonRetryable struct{ err error }

func (e nonRetryable) Error() string { return e.err.Error() }
func (e nonRetryable) Unwrap() error { return e.err }

// NonRetryable wraps err so that a service task returning it fails at once,
// without retries.
func NonRetryable(err error) error {
	if err == nil {
		return nil
	}
	return nonRetryable{err}
}

// IsNonRetryable reports whether err was wrapped with NonRetryable. It
// looks at most 32 errors down the chain, so an error
// that wraps itself cannot make it loop.
func IsNonRetryable(err error) bool {
	_, ok := errsafe.As[nonRetryable](err)
	return ok
}

// ErrorChain renders err and each of its causes on its own line, indented,
// as a human-readable trace across workflows and tasks. It stops after 32
// causes (an error that wraps itself would go on forever).
func ErrorChain(err error) string {
	var b strings.Builder
	for i := 0; err != nil; i++ {
		if i == errsafe.MaxDepth {
			fmt.Fprintf(&b, "%s... (chain cut after %d causes)\n", strings.Repeat("  ", i), i)
			break
		}
		msg, cause := errsafe.Message(err), errsafe.Unwrap(err)
		switch err.(type) {
		case *WorkflowFailedError, *TaskFailedError:
			// Their messages end with their cause's, which the next line
			// prints: keep their own part, so nothing prints twice.
			msg = strings.TrimSuffix(msg, ": "+errsafe.Message(cause))
		}
		fmt.Fprintf(&b, "%s%s\n", strings.Repeat("  ", i), msg)
		err = cause
	}
	return b.String()
}
