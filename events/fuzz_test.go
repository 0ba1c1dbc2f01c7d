package events

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/internal/wire"
)

// FuzzDecode decodes arbitrary message data: it fails or returns valid
// events, and never panics.
func FuzzDecode(f *testing.F) {
	d := wire.EventData{MethodName: "Greet"}
	d.EventPayload("input", []byte(`"Ada"`))
	msgs, err := wire.EventMessages("Greeting", "ada", []wire.CloudEvent{{SpecVersion: wire.EventSpecVersion, ID: "ev:1",
		Source: wire.WorkflowEventSource("Greeting"), Type: wire.EventWorkflowDispatched, Subject: "ada", Time: time.Unix(0, 0).UTC(),
		DataContentType: wire.EventDataContentType, WorkflowName: "Greeting", WorkflowID: "ada", WorkflowSeq: 1, Data: d}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(msgs[0].Data)
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"specversion":"1.0"}]`))
	f.Add([]byte(`[{"specversion":"0.3","id":"x","source":"s","type":"t"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, err := Decode(data)
		if err != nil {
			return
		}
		for _, e := range evs {
			if err := e.Validate(); err != nil {
				t.Fatalf("Decode returned an invalid event: %v", err)
			}
			if _, err := json.Marshal(e); err != nil {
				t.Fatalf("a decoded event does not encode: %v", err)
			}
		}
	})
}

// TestEventRoundTrip checks that what the engine encodes decodes as the
// CloudEvent it describes, with its extensions.
func TestEventRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	d := wire.EventData{MethodName: "Greet"}
	d.EventPayload("input", []byte(`{"name":"Ada"}`))
	d.EventPayload("result", []byte{0xff, 0x00}) // not JSON: base64
	msgs, err := wire.EventMessages("Greeting", "ada", []wire.CloudEvent{{SpecVersion: wire.EventSpecVersion, ID: "ev:1",
		Source: wire.WorkflowEventSource("Greeting"), Type: wire.EventWorkflowDispatched, Subject: "ada", Time: at,
		DataContentType: wire.EventDataContentType, WorkflowName: "Greeting", WorkflowID: "ada", WorkflowSeq: 7, Data: d}})
	if err != nil || len(msgs) != 1 || msgs[0].ID != "ev:1" || msgs[0].Subject != wire.EventSubject("Greeting") || msgs[0].Key != "ada" {
		t.Fatalf("messages %+v, %v", msgs, err)
	}
	evs, err := Decode(msgs[0].Data)
	if err != nil || len(evs) != 1 {
		t.Fatal(evs, err)
	}
	e := Event{Event: evs[0]}
	if e.ID() != "ev:1" || e.Type() != "infinitic.workflow.dispatch" || e.Source() != "infinitic/workflows/Greeting" ||
		!e.Time().Equal(at) || e.WorkflowName() != "Greeting" || e.WorkflowID() != "ada" || e.WorkflowSeq() != 7 {
		t.Fatalf("decoded %v", e)
	}
	var data map[string]any
	if err := e.DataAs(&data); err != nil {
		t.Fatal(err)
	}
	if data["input"].(map[string]any)["name"] != "Ada" || data["result"] != "/wA=" || data["methodName"] != "Greet" {
		t.Fatalf("data %v", data)
	}
}

// TestLargeStepsSplit checks that a step's events over the message size
// bound travel in several messages, in order, and large payloads are left
// out; engine steps' messages are identified by their first event, task
// attempts' by their last.
func TestLargeStepsSplit(t *testing.T) {
	big := make([]byte, wire.MaxEventPayload+1)
	var evs []wire.CloudEvent
	for i := range 200 {
		d := wire.EventData{}
		d.EventPayload("input", big)
		d.Meta = map[string]string{"pad": strings.Repeat("x", 2000)}
		evs = append(evs, wire.CloudEvent{SpecVersion: wire.EventSpecVersion, ID: fmt.Sprintf("ev:%d", i),
			Source: "s", Type: "t", Subject: "x", Time: time.Unix(0, 0).UTC(), DataContentType: wire.EventDataContentType, Data: d})
	}
	for _, tc := range []struct {
		name   string
		encode func(workflow, workflowID string, events []wire.CloudEvent) ([]wire.Outgoing, error)
		last   bool // identified by the last event
	}{
		{"engine step", wire.EventMessages, false},
		{"task attempt", wire.TaskEventMessages, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs, err := tc.encode("W", "x", evs)
			if err != nil || len(msgs) < 2 {
				t.Fatalf("%d messages, %v", len(msgs), err)
			}
			n := 0
			for _, m := range msgs {
				got, err := Decode(m.Data)
				if err != nil {
					t.Fatal(err)
				}
				want := evs[n].ID
				if tc.last {
					want = evs[n+len(got)-1].ID
				}
				if m.ID != want {
					t.Fatalf("message %s, want %s", m.ID, want)
				}
				n += len(got)
			}
			if n != len(evs) || len(evs[0].Data.Truncated) != 1 {
				t.Fatalf("%d events, truncated %v", n, evs[0].Data.Truncated)
			}
		})
	}
}
