package workflow

import (
	"fmt"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Status is the state of a Deferred.
type Status uint8

// Deferred statuses.
const (
	StatusUnknown   Status = iota // a zero Deferred
	StatusOngoing                 // not finished yet
	StatusCompleted               // finished with a value
	StatusFailed                  // finished with an error
	StatusCanceled                // canceled before finishing
	StatusTimedOut                // its timeout fired first
)

func (s Status) String() string {
	switch s {
	case StatusOngoing:
		return "ongoing"
	case StatusCompleted:
		return "completed"
	case StatusFailed:
		return "failed"
	case StatusCanceled:
		return "canceled"
	case StatusTimedOut:
		return "timed-out"
	}
	return "unknown"
}

// statusOf converts the runtime's status of a future.
func statusOf(s replay.Status) Status {
	switch s {
	case replay.Ongoing:
		return StatusOngoing
	case replay.Completed:
		return StatusCompleted
	case replay.Failed:
		return StatusFailed
	case replay.Canceled:
		return StatusCanceled
	case replay.TimedOut:
		return StatusTimedOut
	}
	return StatusUnknown
}

// Deferred is the eventual result of an asynchronous operation in workflow
// code: a dispatched task or child workflow, a timer, an Async branch, or a
// combination of them. Await it to get the result.
type Deferred[T any] struct {
	f   *replay.Future
	cmd *replay.Future // the task or child workflow it waits for, if any (f may race it with a timeout)
	err error          // set when the Deferred could not even be created
}

// TaskID returns the id of the task the Deferred waits for (a Deferred of
// Dispatch): the id its service method gets in infinitic.TaskInfo, and
// that client.WithTaskID and client.CompleteDelegatedTask take. It is ""
// for other Deferreds.
func (d Deferred[T]) TaskID() string { return d.cmd.TaskID() }

// ChildID returns the instance id of the child workflow the Deferred
// waits for (a Deferred of DispatchChild), to find it with client.Attach
// or send to it with Channel.Send. It is "" for other Deferreds.
func (d Deferred[T]) ChildID() string { return d.cmd.ChildID() }

// Await blocks the workflow code until the Deferred finishes and returns
// its result. Waiting costs nothing: the engine persists the instance and
// resumes it when the result arrives, even after a crash.
func (d Deferred[T]) Await(ctx Context) (T, error) {
	var zero T
	if d.err != nil {
		return zero, d.err
	}
	co, err := from(ctx)
	if err != nil {
		return zero, err
	}
	if d.f == nil {
		return zero, fmt.Errorf("%w: await of a zero Deferred", infinitic.ErrNotInWorkflow)
	}
	co.Await(d.f)
	v, err := d.f.Outcome()
	if err != nil {
		return zero, err
	}
	t, _ := v.(T)
	return t, nil
}

// Status returns the current status without waiting.
func (d Deferred[T]) Status() Status {
	if d.err != nil {
		return StatusFailed
	}
	return statusOf(d.f.Status())
}

// Cancel cancels the operation behind the Deferred if it is still
// ongoing: the Deferred ends with StatusCanceled and an error matching
// infinitic.ErrCanceled, a child workflow is canceled (with its own
// children), a task's or timer's outcome is ignored. Only the Deferred of a
// task, timer or child workflow (with or without WithTimeout) can be
// canceled.
func (d Deferred[T]) Cancel(ctx Context) error {
	if d.err != nil {
		return d.err
	}
	co, err := from(ctx)
	if err != nil {
		return err
	}
	if d.cmd != nil {
		return co.Cancel(d.cmd) // the caller-side timeout follows it
	}
	return co.Cancel(d.f)
}

// failed returns a Deferred that fails with err when awaited.
func failed[T any](err error) Deferred[T] { return Deferred[T]{err: err} }

// decoder decodes a raw output into T with the instance's codec.
func decoder[T any](codec infinitic.Codec, names *naming.Table) func([]byte) (any, error) {
	return func(b []byte) (any, error) {
		var t T
		if len(b) == 0 {
			return t, nil
		}
		if err := wire.DecodeValue(codec, names, b, &t); err != nil {
			return nil, fmt.Errorf("%w: into %T: %w", infinitic.ErrDecode, t, err)
		}
		return t, nil
	}
}
