package infinitic

import (
	"errors"
	"fmt"
)

// Limits on what workflows carry. A value over a limit is refused where it
// is given (a client call, a task's result, a workflow's output or
// command), with a *LimitError; a raw message over a limit that reaches an
// engine or an executor goes to the dead letters with the same error as
// reason. See the README's "Limits and failure behaviour".
const (
	// MaxIDLength is the most bytes of a workflow id, a custom id or a tag.
	// Ids and tags must also be valid UTF-8 without control characters:
	// they travel in message headers and store keys.
	MaxIDLength = 256
	// MaxTags is the most tags of one workflow instance.
	MaxTags = 32
	// MaxPayloadSize is the most bytes of one encoded payload: the input
	// or output of a workflow or a task, a signal sent on a channel.
	MaxPayloadSize = 256 << 10
	// MaxSearchFields is the most search fields of one workflow instance
	// (workflow.SetSearch), and MaxSearchValue the most bytes of a string
	// value of one (names are [A-Za-z0-9_-], at most 64 bytes).
	MaxSearchFields = 16
	MaxSearchValue  = 100
)

// ErrLimitExceeded is matched (errors.Is) by every *LimitError.
var ErrLimitExceeded = errors.New("infinitic: limit exceeded")

// LimitError reports a value over one of the documented limits.
type LimitError struct {
	// Limit names the limit: "MaxIDLength", "MaxTags", "MaxPayloadSize",
	// "IDCharacters", "MaxSearchFields", "MaxSearchValue", "SearchName",
	// "MaxStateSize" and "MaxMessageSize" (the store's and the transport's
	// own limits), or "MaxHistory" (records in an instance's history,
	// worker.WithHistoryLimits).
	Limit string
	// What was over it, e.g. "input of Orders.Process".
	What string
	// Size is the value's size (bytes, or count for MaxTags and
	// MaxSearchFields, records for MaxHistory); Max the limit's. Both are 0
	// for IDCharacters and SearchName.
	Size, Max int
}

func (e *LimitError) Error() string {
	switch e.Limit {
	case "IDCharacters":
		return fmt.Sprintf("infinitic: %s must be valid UTF-8 without control characters (IDCharacters)", e.What)
	case "SearchName":
		return fmt.Sprintf("infinitic: %s must be 1 to 64 bytes of [A-Za-z0-9_-] (SearchName)", e.What)
	}
	unit := " bytes"
	switch e.Limit {
	case "MaxTags", "MaxSearchFields":
		unit = ""
	case "MaxHistory":
		unit = " records"
	}
	if e.Max == 0 { // a limit of the broker, not known here
		return fmt.Sprintf("infinitic: %s is %d%s, over %s", e.What, e.Size, unit, e.Limit)
	}
	return fmt.Sprintf("infinitic: %s is %d%s, over %s (%d%s)", e.What, e.Size, unit, e.Limit, e.Max, unit)
}

// Is makes errors.Is(err, ErrLimitExceeded) true.
func (e *LimitError) Is(target error) bool { return target == ErrLimitExceeded }
