package wire

import (
	"fmt"
	"unicode/utf8"

	"github.com/infinitic-go/infinitic"
)

// MaxWireIDLength bounds the workflow ids that messages may carry. Users
// give ids of at most infinitic.MaxIDLength; a child workflow's id is its
// parent's id plus ".<position>", so ids grow with nesting. Store keys and
// message ids derived from an id stay far below what NATS accepts in a
// subject (a longer one makes the server close the connection).
const MaxWireIDLength = 4 * infinitic.MaxIDLength

// CheckID checks an id or a tag (what names it in the error) against max
// bytes and the IDCharacters rule; it returns a *infinitic.LimitError.
func CheckID(what, id string, max int) error {
	if len(id) > max {
		return &infinitic.LimitError{Limit: "MaxIDLength", What: what, Size: len(id), Max: max}
	}
	if !utf8.ValidString(id) || !headerSafe(id) {
		return &infinitic.LimitError{Limit: "IDCharacters", What: fmt.Sprintf("%s %q", what, truncate(id))}
	}
	return nil
}

// CheckPayload checks an encoded payload against infinitic.MaxPayloadSize.
func CheckPayload(what string, p []byte) error {
	if len(p) > infinitic.MaxPayloadSize {
		return &infinitic.LimitError{Limit: "MaxPayloadSize", What: what, Size: len(p), Max: infinitic.MaxPayloadSize}
	}
	return nil
}

// CheckTags checks the tags of an instance: their number and each tag.
func CheckTags(tags []string) error {
	if len(tags) > infinitic.MaxTags {
		return &infinitic.LimitError{Limit: "MaxTags", What: "number of tags", Size: len(tags), Max: infinitic.MaxTags}
	}
	for _, t := range tags {
		if err := CheckID("tag", t, infinitic.MaxIDLength); err != nil {
			return err
		}
	}
	return nil
}

// CheckLimits returns the first limit that e breaks (as a
// *infinitic.LimitError), or nil. Clients check what they send, engines
// and executors what they receive.
func (e *Envelope) CheckLimits() error {
	if err := CheckID("workflow id", e.WorkflowID, MaxWireIDLength); err != nil {
		return err
	}
	if err := checkMeta("headers", e.Headers); err != nil {
		return err
	}
	of := e.Workflow
	switch {
	case e.Dispatch != nil:
		if err := CheckTags(e.Dispatch.Tags); err != nil {
			return err
		}
		if err := checkMeta("metadata", e.Dispatch.Meta); err != nil {
			return err
		}
		if s := e.Dispatch.Signal; s != nil {
			if err := CheckPayload("value sent on channel "+s.Channel+" of "+of, s.Payload); err != nil {
				return err
			}
		}
		return CheckPayload("input of "+of+"."+e.Dispatch.Method, e.Dispatch.Input)
	case e.Execute != nil:
		if err := checkMeta("metadata", e.Execute.Meta); err != nil {
			return err
		}
		return CheckPayload("input of task "+e.Execute.Service+"."+e.Execute.Method, e.Execute.Input)
	case e.Signal != nil:
		return CheckPayload("value sent on channel "+e.Signal.Channel+" of "+of, e.Signal.Payload)
	case e.Completed != nil:
		return CheckPayload(fmt.Sprintf("output resolving position %d of %s", e.Completed.Position, of), e.Completed.Output)
	case e.Result != nil:
		return CheckPayload("output of "+of, e.Result.Output)
	case e.Reply != nil:
		return CheckPayload("output of a getter", e.Reply.Output)
	}
	return nil
}

// checkMeta bounds the metadata of a workflow or a task, or the headers
// of a message (what), like a payload.
func checkMeta(what string, meta map[string]string) error {
	n := 0
	for k, v := range meta {
		n += len(k) + len(v)
	}
	if n > infinitic.MaxPayloadSize {
		return &infinitic.LimitError{Limit: "MaxPayloadSize", What: what, Size: n, Max: infinitic.MaxPayloadSize}
	}
	return nil
}

// headerSafe reports whether s has no control characters.
func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

// truncate shortens s for an error message.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
