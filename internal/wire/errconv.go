package wire

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/infinitic-go/infinitic"
)

// FromError converts a Go error into its wire form, keeping the public
// error types of package infinitic and, for user errors, the type name,
// message and exported fields.
func FromError(err error) *Error {
	if err == nil {
		return nil
	}
	var (
		task   *infinitic.TaskFailedError
		wf     *infinitic.WorkflowFailedError
		nd     *infinitic.NonDeterminismError
		to     *infinitic.TimeoutError
		pe     *infinitic.PanicError
		remote *infinitic.RemoteError
	)
	switch {
	case errors.As(err, &task):
		e := &Error{Kind: ErrorTask, Message: task.Error(), Service: task.Service, Method: task.Method,
			TaskID: task.TaskID, Attempt: task.Attempt, Cause: FromError(task.Cause)}
		for _, p := range task.Previous {
			e.Previous = append(e.Previous, FromError(p))
		}
		return e
	case errors.As(err, &wf):
		return &Error{Kind: ErrorWorkflow, Message: wf.Error(), Workflow: wf.Workflow, WorkflowID: wf.ID,
			Method: wf.Method, Cause: FromError(wf.Cause)}
	case errors.As(err, &nd):
		return &Error{Kind: ErrorNonDeterminism, Message: nd.Error(), Workflow: nd.Workflow, WorkflowID: nd.ID,
			Method: nd.Method, Position: nd.Position, Type: nd.Want, Stack: nd.Got}
	case errors.As(err, &to):
		return &Error{Kind: ErrorTimeout, Message: to.What}
	case errors.As(err, &pe):
		return &Error{Kind: ErrorPanic, Message: pe.Value, Stack: pe.Stack}
	case errors.As(err, &remote):
		return &Error{Kind: ErrorRemote, Type: remote.Type, Message: remote.Message, Stack: remote.Stack, Fields: remote.Fields}
	}
	return &Error{Kind: ErrorRemote, Type: fmt.Sprintf("%T", userError(err)), Message: err.Error(), Fields: fields(userError(err))}
}

// userError strips infinitic's own wrappers (NonRetryable).
func userError(err error) error {
	if u := errors.Unwrap(err); u != nil && infinitic.IsNonRetryable(err) && !infinitic.IsNonRetryable(u) {
		return u
	}
	return err
}

func fields(err error) []byte {
	b, jerr := json.Marshal(err)
	if jerr != nil || string(b) == "{}" || string(b) == "null" {
		return nil
	}
	return b
}

// ToError rebuilds the Go error of a wire error.
func ToError(e *Error) error {
	if e == nil {
		return nil
	}
	switch e.Kind {
	case ErrorTask:
		t := &infinitic.TaskFailedError{Service: e.Service, Method: e.Method, TaskID: e.TaskID, Attempt: e.Attempt, Cause: ToError(e.Cause)}
		for _, p := range e.Previous {
			t.Previous = append(t.Previous, ToError(p))
		}
		return t
	case ErrorWorkflow:
		return &infinitic.WorkflowFailedError{Workflow: e.Workflow, ID: e.WorkflowID, Method: e.Method, Cause: ToError(e.Cause)}
	case ErrorNonDeterminism:
		return &infinitic.NonDeterminismError{Workflow: e.Workflow, ID: e.WorkflowID, Method: e.Method, Position: e.Position, Want: e.Type, Got: e.Stack}
	case ErrorTimeout:
		return &infinitic.TimeoutError{What: e.Message}
	case ErrorPanic:
		return &infinitic.PanicError{Value: e.Message, Stack: e.Stack}
	}
	return &infinitic.RemoteError{Type: e.Type, Message: e.Message, Stack: e.Stack, Fields: e.Fields}
}
