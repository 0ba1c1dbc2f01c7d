package schedule

import (
	"errors"

	"github.com/infinitic-go/infinitic"
)

// ErrInvalidSpec is wrapped by the errors of an invalid Spec or name.
var ErrInvalidSpec = errors.New("schedule: invalid spec")

// ErrNotFound is wrapped by operations on a schedule that does not exist
// (or was deleted). It matches infinitic.ErrInstanceNotFound too.
var ErrNotFound error = notFoundError{}

type notFoundError struct{}

func (notFoundError) Error() string { return "schedule: not found" }

// Is makes ErrNotFound match infinitic.ErrInstanceNotFound, which the CLI
// and callers already handle.
func (notFoundError) Is(target error) bool { return target == infinitic.ErrInstanceNotFound }
