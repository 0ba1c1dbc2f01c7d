package wire

import (
	"encoding/json"
	"fmt"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/errsafe"
)

// FromError converts a Go error into its wire form, keeping the public
// error types of package infinitic and, for user errors, the type name,
// message, exported fields and cause chain. It never panics and never
// loops: a typed nil, an Error or MarshalJSON method that panics, and a
// cause chain deeper than errsafe.MaxDepth (an error that wraps itself)
// become plain messages saying so.
func FromError(err error) *Error { return fromError(err, 0) }

func fromError(err error, depth int) *Error {
	switch {
	case err == nil:
		return nil
	case errsafe.TypedNil(err):
		return &Error{Kind: ErrorRemote, Type: fmt.Sprintf("%T", err), Message: errsafe.Message(err)}
	case depth >= errsafe.MaxDepth:
		return &Error{Kind: ErrorRemote, Message: fmt.Sprintf("... (cause chain cut after %d errors: an error that wraps itself?)", depth)}
	}
	cause := func(err error) *Error { return fromError(err, depth+1) }
	switch e := err.(type) {
	case *infinitic.TaskFailedError:
		w := &Error{Kind: ErrorTask, Message: e.Error(), Service: e.Service, Method: e.Method,
			TaskID: e.TaskID, Attempt: e.Attempt, Cause: cause(e.Cause)}
		for _, p := range e.Previous {
			w.Previous = append(w.Previous, cause(p))
		}
		return w
	case *infinitic.WorkflowFailedError:
		return &Error{Kind: ErrorWorkflow, Message: e.Error(), Workflow: e.Workflow, WorkflowID: e.ID,
			Method: e.Method, Cause: cause(e.Cause)}
	case *infinitic.NonDeterminismError:
		return &Error{Kind: ErrorNonDeterminism, Message: e.Error(), Workflow: e.Workflow, WorkflowID: e.ID,
			Method: e.Method, Position: e.Position, Type: e.Want, Stack: e.Got}
	case *infinitic.TimeoutError:
		return &Error{Kind: ErrorTimeout, Message: e.What}
	case *infinitic.PanicError:
		return &Error{Kind: ErrorPanic, Message: e.Value, Stack: e.Stack}
	case *infinitic.CanceledError:
		w := &Error{Kind: ErrorCanceled, Message: e.Reason, Workflow: e.Workflow, WorkflowID: e.ID}
		if e.TimedOut {
			w.Code = infinitic.SentinelCode(infinitic.ErrWorkflowTimedOut)
		}
		return w
	case *infinitic.RemoteError:
		return &Error{Kind: ErrorRemote, Type: e.Type, Message: e.Message, Stack: e.Stack, Fields: e.Fields,
			Code: e.Code, Cause: cause(e.Cause)}
	}
	if infinitic.IsNonRetryable(err) && errsafe.Unwrap(err) != nil && !infinitic.IsNonRetryable(errsafe.Unwrap(err)) {
		return fromError(errsafe.Unwrap(err), depth) // drop the NonRetryable marker itself
	}
	return &Error{Kind: ErrorRemote, Type: infinitic.ErrorTypeName(err), Message: errsafe.Message(err), Fields: fields(err),
		Code: infinitic.SentinelCode(err), Cause: cause(errsafe.Unwrap(err))}
}

// fields is the JSON of err, nil if it has none or cannot be encoded.
func fields(err error) (b []byte) {
	defer func() {
		if recover() != nil {
			b = nil // a MarshalJSON that panics
		}
	}()
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
	case ErrorCanceled:
		return &infinitic.CanceledError{Workflow: e.Workflow, ID: e.WorkflowID, Reason: e.Message,
			TimedOut: e.Code != "" && e.Code == infinitic.SentinelCode(infinitic.ErrWorkflowTimedOut)}
	}
	return &infinitic.RemoteError{Type: e.Type, Message: e.Message, Stack: e.Stack, Fields: e.Fields, Code: e.Code, Cause: ToError(e.Cause)}
}
