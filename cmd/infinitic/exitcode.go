package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/replayer"
)

// Exit codes of the infinitic command, for scripts.
const (
	exitOK         = 0 // success
	exitError      = 1 // any other error: connection, store, timeout...
	exitUsage      = 2 // bad command line: unknown command or flag, wrong arguments, invalid JSON or name
	exitNotFound   = 3 // no such instance (infinitic.ErrInstanceNotFound)
	exitRefused    = 4 // the instance is in the wrong state: already finished (cancel, signal, export...), not failed (retry)
	exitWorkflowKO = 5 // the workflow failed (start --wait, await)
)

// usageError marks a mistake on the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var usage usageError
	var failed *infinitic.WorkflowFailedError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage), errors.Is(err, admin.ErrInvalidJSON), errors.Is(err, naming.ErrInvalid),
		strings.HasPrefix(err.Error(), "unknown command"): // cobra's own, for the root's subcommands
		return exitUsage
	case errors.Is(err, infinitic.ErrInstanceNotFound):
		return exitNotFound
	case errors.Is(err, infinitic.ErrWorkflowFinished), errors.Is(err, infinitic.ErrNotFailed), errors.Is(err, replayer.ErrNoHistory):
		return exitRefused
	case errors.As(err, &failed):
		return exitWorkflowKO
	}
	return exitError
}
