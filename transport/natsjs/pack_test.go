package natsjs

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

func TestPackRoundTrip(t *testing.T) {
	s := subjects{prefix: "inf", partitions: 8}
	msgs := []transport.Message{
		{ID: "a", Subject: "wf.W", Key: "k1", Data: []byte("one")},
		{ID: "b", Subject: "wf.W", Key: "", Data: nil},
		{ID: "c", Subject: "wf.W", Key: "k3", Data: bytes.Repeat([]byte{0, 0xff}, 300)},
	}
	nm := s.encodePack(msgs)
	if nm.Header.Get(hdrPack) != "3" || nm.Subject != s.partitioned("wf.W", "k1") {
		t.Fatalf("pack %s headers %v", nm.Subject, nm.Header)
	}
	got, err := decodePack("wf.W", nm.Data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range msgs {
		if got[i].ID != msgs[i].ID || got[i].Key != msgs[i].Key || !bytes.Equal(got[i].Data, msgs[i].Data) || got[i].Subject != "wf.W" {
			t.Errorf("message %d: %+v, want %+v", i, got[i], msgs[i])
		}
	}
}

// TestPackIDs: the same messages packed again have the same ID (the
// stream drops the copy); other messages, another; without IDs, none.
func TestPackIDs(t *testing.T) {
	s := subjects{prefix: "inf", partitions: 8}
	m := func(ids ...string) []transport.Message {
		var out []transport.Message
		for _, id := range ids {
			out = append(out, transport.Message{ID: id, Subject: "svc.S", Data: []byte(id)})
		}
		return out
	}
	id := func(msgs []transport.Message) string { return s.encodePack(msgs).Header.Get("Nats-Msg-Id") }
	if a, b := id(m("x", "y")), id(m("x", "y")); a == "" || a != b {
		t.Errorf("same messages: %q and %q", a, b)
	}
	for _, other := range [][]transport.Message{m("x", "z"), m("y", "x"), m("xy", ""), m("x", "y", "z")} {
		if id(other) == id(m("x", "y")) {
			t.Errorf("%v has the ID of x, y", other)
		}
	}
	if got := id(m("x", "")); got != "" {
		t.Errorf("a message without ID: pack ID %q, want none", got)
	}
}

func TestDecodePackRefusesMalformed(t *testing.T) {
	good := subjects{prefix: "inf", partitions: 1}.encodePack([]transport.Message{{ID: "a", Subject: "s"}, {ID: "b", Subject: "s"}}).Data
	for name, body := range map[string][]byte{
		"empty":        nil,
		"format":       append([]byte{9}, good[1:]...),
		"no messages":  {packFormat},
		"truncated":    good[:len(good)-1],
		"long field":   {packFormat, 0x7f, 'a'},
		"bad varint":   {packFormat, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
		"extra":        append(slices.Clone(good), 1),
		"huge length":  {packFormat, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
		"missing data": {packFormat, 1, 'a', 0},
	} {
		if msgs, err := decodePack("s", body); err == nil {
			t.Errorf("%s: decoded %v", name, msgs)
		}
	}
}

func FuzzDecodePack(f *testing.F) {
	s := subjects{prefix: "inf", partitions: 1}
	f.Add(s.encodePack([]transport.Message{{ID: "a", Key: "k", Subject: "s", Data: []byte("d")}, {ID: "b", Subject: "s"}}).Data)
	f.Add([]byte{packFormat, 0, 0, 0})
	f.Fuzz(func(t *testing.T, body []byte) {
		msgs, err := decodePack("s", body)
		if err != nil {
			return
		}
		// What decodes encodes back to the same body.
		if again := s.encodePack(msgs).Data; !bytes.Equal(again, body) {
			t.Fatalf("%x decodes to %v, which encodes to %x", body, msgs, again)
		}
	})
}

func TestPacks(t *testing.T) {
	now := time.Now()
	m := func(subject, id string, size int) transport.Message {
		return transport.Message{ID: id, Subject: subject, Data: make([]byte, size)}
	}
	later := m("wf.S", "timer", 1)
	later.DeliverAt = now.Add(time.Minute)
	due := m("wf.S", "due", 1)
	due.DeliverAt = now.Add(-time.Second)
	ids := func(msgs []transport.Message) string {
		var out []string
		for _, m := range msgs {
			out = append(out, m.ID)
		}
		return fmt.Sprint(out)
	}
	for _, tc := range []struct {
		name        string
		msgs        []transport.Message
		most, size  int
		packs, rest string
	}{
		{"by subject, in order", []transport.Message{m("a", "1", 1), m("b", "2", 1), m("a", "3", 1), m("b", "4", 1)}, 64, 1 << 20,
			"[[1 3] [2 4]]", "[]"},
		{"one of a subject goes apart", []transport.Message{m("a", "1", 1), m("b", "2", 1), m("a", "3", 1)}, 64, 1 << 20,
			"[[1 3]]", "[2]"},
		{"logs, timers apart; due ones packed", []transport.Message{m(transport.LogPrefix+"e", "e1", 1), m(transport.LogPrefix+"e", "e2", 1), later, due, m("wf.S", "x", 1)}, 64, 1 << 20,
			"[[due x]]", "[e1 e2 timer]"},
		{"tasks apart", []transport.Message{m("svc.S", "t1", 1), m("svc.S", "t2", 1), m("client.c", "r1", 1), m("client.c", "r2", 1)}, 64, 1 << 20,
			"[[r1 r2]]", "[t1 t2]"},
		{"at most", []transport.Message{m("a", "1", 1), m("a", "2", 1), m("a", "3", 1), m("a", "4", 1), m("a", "5", 1)}, 2, 1 << 20,
			"[[1 2] [3 4]]", "[5]"},
		{"size", []transport.Message{m("a", "1", 400), m("a", "2", 400), m("a", "3", 400)}, 64, 1000,
			"[[1 2]]", "[3]"},
		{"an ID once", []transport.Message{m("a", "1", 1), m("a", "1", 1), m("a", "2", 1)}, 64, 1 << 20,
			"[[1 2]]", "[]"},
		{"off", []transport.Message{m("a", "1", 1), m("a", "2", 1)}, 1, 1 << 20,
			"[]", "[1 2]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			groups, apart := packs(tc.msgs, now, tc.most, tc.size)
			var got []string
			for _, g := range groups {
				got = append(got, ids(g))
			}
			if packs := "[" + strings.Join(got, " ") + "]"; packs != tc.packs || ids(apart) != tc.rest {
				t.Errorf("packs %s apart %s, want %s and %s", packs, ids(apart), tc.packs, tc.rest)
			}
		})
	}
}
