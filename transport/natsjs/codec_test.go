package natsjs

import (
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic/transport"
)

// FuzzCodec checks that decode never panics on arbitrary headers and that
// every message encode accepts decodes back to itself.
func FuzzCodec(f *testing.F) {
	f.Add("wf.W", "id-1", "key", []byte("data"), int64(0), "2030-01-01T00:00:00Z", "3")
	f.Add("svc.S", "", "", []byte{}, int64(1893456000123456789), "garbage", "-1")
	f.Add("a", "x\r\ny", "k\x00", []byte{0xff}, int64(-5), "", "99999999999999999999")
	s := subjects{prefix: "inf", partitions: 8, schedules: true}
	f.Fuzz(func(t *testing.T, subject, id, key string, data []byte, at int64, rawAt, rawAttempt string) {
		h := nats.Header{hdrID: {id}, hdrKey: {key}, hdrDeliverAt: {rawAt}, hdrAttempt: {rawAttempt}, hdrSubject: {subject}}
		_ = decode(subject, h, data)
		_ = decodeDeadLetter(h, data, time.Time{})

		m := transport.Message{ID: id, Subject: subject, Key: key, Data: data}
		if at != 0 {
			m.DeliverAt = time.Unix(0, at).UTC()
		}
		nm, err := s.encode(m, time.Unix(0, 0))
		if err != nil {
			if validSubject(subject) && headerSafe(id) && headerSafe(key) {
				t.Fatalf("encode(%+v): %v", m, err)
			}
			return
		}
		if !strings.HasPrefix(nm.Subject, "inf.m."+subject+".") && !strings.HasPrefix(nm.Subject, "inf.s.") {
			t.Fatalf("encoded on subject %q", nm.Subject)
		}
		got := decode(subject, nm.Header, nm.Data)
		if got.ID != m.ID || got.Key != m.Key || string(got.Data) != string(m.Data) || !got.DeliverAt.Equal(m.DeliverAt) {
			t.Fatalf("round trip: %+v -> %+v", m, got)
		}
		dl := decodeDeadLetter(s.encodeDeadLetter(m, "g", "r\n", 3).Header, m.Data, time.Time{})
		if dl.Message.ID != m.ID || dl.Message.Subject != m.Subject || dl.Reason != "r " || dl.Attempt != 3 || dl.Group != "g" {
			t.Fatalf("dead letter round trip: %+v -> %+v", m, dl)
		}
	})
}

func TestPartitionsAreStable(t *testing.T) {
	s := subjects{prefix: "inf", partitions: 8}
	if a, b := s.partitioned("wf.W", "id"), s.partitioned("wf.W", "id"); a != b {
		t.Fatalf("partition of a key changed: %s, %s", a, b)
	}
	seen := map[string]bool{}
	for i := range 1000 {
		seen[s.partitioned("wf.W", strings.Repeat("x", i))] = true
	}
	if len(seen) != 8 {
		t.Errorf("1000 keys used %d of 8 partitions", len(seen))
	}
}

func TestVersionAtLeast(t *testing.T) {
	for v, want := range map[string]bool{
		"2.12.0": true, "v2.15.2": true, "2.11.9": false, "2.9.10": false, "3.0.0": true,
		"2.12-beta": true, "2.10.0-RC.1": false, "": false, "garbage": false, "2": false, "x.12.0": false,
	} {
		if got := versionAtLeast(v, 2, 12); got != want {
			t.Errorf("versionAtLeast(%q, 2, 12) = %v, want %v", v, got, want)
		}
	}
}
