package wire

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestMergeEvents checks that the event messages of a commit are packed
// per subject, in order, within maxBatchBytes, with ids that depend only
// on their members, and that other messages are left alone.
func TestMergeEvents(t *testing.T) {
	started := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	events := func(workflow, id string, seqs ...int) Outgoing {
		var evs []CloudEvent
		for _, seq := range seqs {
			evs = append(evs, CloudEvent{ID: EventID(workflow, id, started, seq), Type: EventWorkflowCompleted,
				WorkflowName: workflow, WorkflowID: id, WorkflowSeq: seq})
		}
		msgs, err := EventMessages(workflow, id, evs)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("EventMessages: %d messages, %v", len(msgs), err)
		}
		return msgs[0]
	}
	eid := func(workflow, id string, seq int) string { return EventID(workflow, id, started, seq) }
	task := Outgoing{ID: "task-1", Subject: ServiceSubject("Stock"), Key: "a", Data: []byte{0xa1}}
	big := events("Orders", "huge", 1)
	big.Data = []byte("[" + strings.Repeat(" ", maxBatchBytes) + "{}]")
	ids := func(out []Outgoing) (s []string) {
		for _, o := range out {
			s = append(s, o.ID)
		}
		return s
	}
	tests := []struct {
		name string
		in   []Outgoing
		want [][]string // per message out: the event ids it holds (nil: not an event message)
	}{
		{"one instance: as it is", []Outgoing{events("Orders", "a", 1, 2), task},
			[][]string{{eid("Orders", "a", 1), eid("Orders", "a", 2)}, nil}},
		{"two instances, one workflow: one message", []Outgoing{events("Orders", "a", 1), task, events("Orders", "b", 3, 4)},
			[][]string{{eid("Orders", "a", 1), eid("Orders", "b", 3), eid("Orders", "b", 4)}, nil}},
		{"two workflows: one message each", []Outgoing{events("Orders", "a", 1), events("Trips", "b", 1), events("Orders", "c", 2)},
			[][]string{{eid("Orders", "a", 1), eid("Orders", "c", 2)}, {eid("Trips", "b", 1)}}},
		{"over maxBatchBytes: apart", []Outgoing{events("Orders", "a", 1), big},
			[][]string{{eid("Orders", "a", 1)}, {""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]Outgoing(nil), tt.in...)
			out := MergeEvents(tt.in)
			if len(out) != len(tt.want) {
				t.Fatalf("got %d messages %v, want %d", len(out), ids(out), len(tt.want))
			}
			for i, o := range out {
				if tt.want[i] == nil {
					if o.ID != task.ID {
						t.Fatalf("message %d: %q, want the task message", i, o.ID)
					}
					continue
				}
				var batch []CloudEvent
				if err := json.Unmarshal(o.Data, &batch); err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
				var got []string
				for _, e := range batch {
					got = append(got, e.ID)
				}
				if tt.want[i][0] != "" && strings.Join(got, " ") != strings.Join(tt.want[i], " ") {
					t.Fatalf("message %d holds %v, want %v", i, got, tt.want[i])
				}
				if len(got) > 1 && len(o.Data) > maxBatchBytes {
					t.Fatalf("message %d: %d bytes", i, len(o.Data))
				}
			}
			for i := range in { // the caller's messages are not changed
				if string(in[i].Data) != string(tt.in[i].Data) || in[i].ID != tt.in[i].ID {
					t.Fatalf("input message %d changed", i)
				}
			}
			if again := MergeEvents(in); strings.Join(ids(again), " ") != strings.Join(ids(out), " ") {
				t.Fatalf("ids differ for the same group: %v, %v", ids(again), ids(out))
			}
		})
	}
}
