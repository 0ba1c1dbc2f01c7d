package wire

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files of the current format version")

// formats maps each released format version to its samples: the values
// its golden files (testdata/<version>) decode to.
var formats = map[string]func() map[string]any{"v1": samplesV1, "v2": samplesV2, "v3": samples}

// latest is the format version written today.
const latest = "v3"

// samples covers every envelope kind and a state with every field set, in
// the current format: v3 added the headers of envelopes and states, the
// instance's own timeout and deadline, and the run counter of
// continue-as-new (on the state and the start event of a run), and the
// signal of a signal-with-start.
func samples() map[string]any {
	at := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	s := samplesV2()
	h := map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tenant": "a"}
	for _, name := range []string{"dispatch", "execute", "completed"} {
		s[name].(*Envelope).Headers = h
	}
	s["dispatch"].(*Envelope).Dispatch.Timeout = time.Hour
	s["signal-with-start"] = &Envelope{Kind: KindDispatch, WorkflowID: "id", Workflow: "W", Dispatch: &Dispatch{
		Method: "M", Input: []byte(`1`), Tags: []string{"customId:c"}, Waiter: "c", Request: "u",
		Signal: &Signal{ID: "u", Channel: "ch", Payload: []byte(`2`), ReplyTo: "c"}}}
	st := s["state"].(*State)
	st.Headers, st.Timeout, st.Deadline, st.Continued = h, time.Hour, at.Add(time.Hour), 2
	st.Tail[0].Event.Continued, st.Tail[0].Event.Search = 2, map[string]string{"owner": "s:ada"}
	return s
}

// samplesV2 are the samples of format v2 (never change them): it added
// command and instance times, the attempt of a task's outcome and the
// request ids of dispatches and waits.
func samplesV2() map[string]any {
	at := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	s := samplesV1()
	s["completed"].(*Envelope).Completed.Attempt = 3
	s["dispatch"].(*Envelope).Dispatch.Request = "r"
	s["wait"].(*Envelope).Wait.Request = "r"
	st := s["state"].(*State)
	st.Started, st.Ended = at, at.Add(time.Second)
	st.Tail[1].Command.At = at
	st.Tail[3].Event.Attempt = 2
	s["chunk"].(*Chunk).Records[0].Command.At = at
	s["chunk"].(*Chunk).Records[0].Command.Due = at.Add(time.Hour)
	return s
}

// samplesV1 are the samples of format v1 (never change them).
func samplesV1() map[string]any {
	at := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	parent := &ParentRef{WorkflowID: "p", Workflow: "P", Position: 3}
	failure := &Error{Kind: ErrorWorkflow, Message: "wf failed", Workflow: "W", WorkflowID: "id", Method: "M",
		Cause: &Error{Kind: ErrorTask, Service: "S", Method: "M", TaskID: "t", Attempt: 2,
			Previous: []*Error{{Kind: ErrorRemote, Type: "*x.E", Message: "first"}},
			Cause:    &Error{Kind: ErrorRemote, Type: "*x.E", Message: "boom", Fields: []byte(`{"Code":1}`), Code: "timeout"}}}
	return map[string]any{
		"dispatch": &Envelope{Kind: KindDispatch, WorkflowID: "id", Workflow: "W", SentAt: at, Dispatch: &Dispatch{
			Method: "M", Input: []byte(`{"a":1}`), Tags: []string{"t"}, Meta: map[string]string{"k": "v"}, Parent: parent, Waiter: "c"}},
		"execute": &Envelope{Kind: KindExecute, WorkflowID: "id", Workflow: "W", Execute: &Execute{
			TaskID: "id.0", Service: "S", Method: "M", Input: []byte(`1`), Attempt: 2, Parent: *parent, Meta: map[string]string{"k": "v"},
			Previous: []*Error{{Kind: ErrorRemote, Message: "x"}}}},
		"completed": &Envelope{Kind: KindCompleted, WorkflowID: "id", Workflow: "W", Completed: &Completed{Position: 4, Output: []byte(`2`), Error: failure}},
		"wait":      &Envelope{Kind: KindWait, WorkflowID: "id", Workflow: "W", Wait: &Wait{Client: "c"}},
		"result":    &Envelope{Kind: KindResult, WorkflowID: "id", Workflow: "W", Result: &Result{Output: []byte(`3`), Error: failure, Unknown: true}},
		"state": &State{ID: "id", Workflow: "W", Method: "M", Tags: []string{"t"}, Meta: map[string]string{"k": "v"}, Parent: parent,
			Waiters: []string{"c"}, Status: StatusRunning, Output: []byte(`1`), Error: failure, Commands: 2, Sealed: 64,
			Tail: []Record{{Event: &Event{At: at, Method: "M", Input: []byte(`1`), Position: -1}},
				{Command: &Command{Kind: CommandTask, Target: "S.M"}},
				{Command: &Command{Kind: CommandInline, Output: []byte(`5`), Error: failure}},
				{Event: &Event{At: at, Position: 0, Output: []byte(`2`)}}},
			Outbox:   []Outgoing{{ID: "x", Subject: "svc.S", Key: "id", Data: []byte{1, 2}, DeliverAt: at}},
			Buffered: []*Envelope{{Kind: KindWait, WorkflowID: "id", Workflow: "W", Wait: &Wait{Client: "c"}}}},
		"chunk": &Chunk{Records: []Record{{Command: &Command{Kind: CommandTimer}}}},
	}
}

func decode(name string, data []byte) (any, error) {
	switch name {
	case "state":
		return DecodeState(data)
	case "chunk":
		return DecodeChunk(data)
	}
	return DecodeEnvelope(data)
}

// TestGoldenFiles: every format version ever released must still decode
// to the same values. When the format changes, add a version to formats
// and its golden files (go test ./internal/wire -update writes those of
// the latest version only; never edit older ones).
func TestGoldenFiles(t *testing.T) {
	for version, samples := range formats {
		t.Run(version, func(t *testing.T) { testGolden(t, version, samples()) })
	}
}

func testGolden(t *testing.T, version string, samples map[string]any) {
	for name, v := range samples {
		path := filepath.Join("testdata", version, name+".cbor")
		data, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if *update && version == latest {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		golden, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run go test ./internal/wire -update once to create it)", name, err)
		}
		got, err := decode(name, golden)
		if err != nil {
			t.Fatalf("%s: golden file no longer decodes: %v", name, err)
		}
		if !reflect.DeepEqual(got, v) {
			t.Errorf("%s: golden file decodes to\n%#v\nwant\n%#v", name, got, v)
		}
		if version == latest && !bytes.Equal(golden, data) {
			t.Logf("%s: encoding changed (still decodes): add a new format version if this is a release", name)
		}
	}
}

func TestMalformedEnvelopes(t *testing.T) {
	for _, e := range []*Envelope{
		{Kind: KindDispatch, WorkflowID: "id"},
		{Kind: KindDispatch, WorkflowID: "id", Workflow: "W", Dispatch: &Dispatch{Method: "M", Signal: &Signal{ID: "u"}}},
		{Kind: KindDispatch, WorkflowID: "id", Workflow: "W", Dispatch: &Dispatch{Method: "M", Run: "r", Signal: &Signal{ID: "u", Channel: "ch"}}},
		{Kind: KindDispatch, WorkflowID: "id", Workflow: "W", Dispatch: &Dispatch{Method: "M", Signal: &Signal{ID: "u", Channel: "ch", ReplyTo: "a.b"}}},
		{Kind: KindCompleted, WorkflowID: "id", Completed: &Completed{Position: -1}},
		{Kind: 99},
	} {
		data, _ := Marshal(e)
		if _, err := DecodeEnvelope(data); err == nil {
			t.Errorf("%+v: want error", e)
		}
	}
}

func FuzzDecodeEnvelope(f *testing.F) {
	for _, v := range samples() {
		data, _ := Marshal(v)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEnvelope(data)
		if err != nil {
			return
		}
		// A valid envelope re-encodes and decodes to the same value.
		again, err := Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeEnvelope(again); err != nil {
			t.Fatalf("re-encoded envelope does not decode: %v", err)
		}
	})
}

func FuzzDecodeState(f *testing.F) {
	for _, v := range samples() {
		data, _ := Marshal(v)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := DecodeState(data); err == nil {
			if _, err := Marshal(s); err != nil {
				t.Fatal(err)
			}
		}
		if c, err := DecodeChunk(data); err == nil {
			if _, err := Marshal(c); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestTaskIDRoundTrip(t *testing.T) {
	for _, id := range []string{"a", "with/slash", "x.1"} {
		w, got, pos, gen, err := ParseTaskID(TaskID("Flow", id, 12, 3))
		if err != nil || w != "Flow" || got != id || pos != 12 || gen != 3 {
			t.Errorf("%q: got %q %q %d %d %v", id, w, got, pos, gen, err)
		}
	}
	for _, bad := range []string{"", "Flow", "Flow/", "Flow/id/1", "Flow/id/x/0", "/id/1/0", "Flow/id/-1/0", "Flow/id/1/-1", "Flow//1/0"} {
		if _, _, _, _, err := ParseTaskID(bad); err == nil {
			t.Errorf("%q: want error", bad)
		}
	}
}

func FuzzParseTaskID(f *testing.F) {
	f.Add("Flow/id/3/0")
	f.Fuzz(func(t *testing.T, s string) {
		w, id, pos, gen, err := ParseTaskID(s)
		if err != nil {
			return
		}
		if w2, id2, pos2, gen2, err := ParseTaskID(TaskID(w, id, pos, gen)); err != nil || w2 != w || id2 != id || pos2 != pos || gen2 != gen {
			t.Fatalf("%q does not round-trip", s)
		}
	})
}

func FuzzKeyToken(f *testing.F) {
	f.Add("plain-id")
	f.Add("with space/and.dots")
	f.Fuzz(func(t *testing.T, s string) {
		tok := KeyToken(s)
		if strings.ContainsAny(tok, ". *>") {
			t.Fatalf("token %q of %q is not one key token", tok, s)
		}
		if got, err := ParseKeyToken(tok); err != nil || got != s {
			t.Fatalf("%q: round trip gave %q, %v", s, got, err)
		}
	})
}
