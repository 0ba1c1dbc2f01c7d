package events

import (
	"testing"

	cloudevents "github.com/cloudevents/sdk-go/v2"
)

// TestSeqsDropCopies checks which events Listen and Read take for copies:
// an engine event at or below its instance's last workflowseq, a task
// event whose id was read before.
func TestSeqsDropCopies(t *testing.T) {
	event := func(id, workflowID string, seq int) Event {
		ce := cloudevents.NewEvent()
		ce.SetID(id)
		ce.SetExtension("workflowname", "Orders")
		ce.SetExtension("workflowid", workflowID)
		if seq > 0 {
			ce.SetExtension("workflowseq", seq)
		}
		return Event{Event: ce}
	}
	s := newSeqs()
	for _, tt := range []struct {
		name  string
		ev    Event
		first bool
	}{
		{"engine event", event("e1", "a", 1), true},
		{"next engine event", event("e2", "a", 2), true},
		{"copy of an engine event", event("e1", "a", 1), false},
		{"another instance", event("e1b", "b", 1), true},
		{"task event", event("t1", "a", 0), true},
		{"copy of a task event", event("t1", "a", 0), false},
		{"another task event", event("t2", "a", 0), true},
	} {
		if got := s.first(tt.ev); got != tt.first {
			t.Errorf("%s: first = %v, want %v", tt.name, got, tt.first)
		}
	}
}
