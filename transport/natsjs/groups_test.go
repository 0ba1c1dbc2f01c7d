package natsjs_test

import (
	"context"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

func fetchAll(t *testing.T, ctx context.Context, c transport.Consumer, wait time.Duration) []transport.Message {
	t.Helper()
	var out []transport.Message
	for {
		ds, err := c.Fetch(ctx, 100, wait)
		if err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		if len(ds) == 0 {
			return out
		}
		for _, d := range ds {
			out = append(out, d.Message())
			_ = d.Ack()
		}
	}
}

// TestLateGroupSeesOnlyNewMessages checks the group semantics shared with
// the memory transport: the first group adopts buffered messages, a later
// group only gets messages published after it was created, and groups
// keep their consumer across transports.
func TestLateGroupSeesOnlyNewMessages(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := startServer(t, t.TempDir())
	nc := connect(t, s)
	cfg := uniqueConfig()
	tr := newTransport(t, nc, cfg)
	if err := tr.Publish(ctx, transport.Message{ID: "buffered", Subject: "s"}); err != nil {
		t.Fatal(err)
	}
	a, err := tr.Consume(ctx, "s", "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := tr.Consume(ctx, "s", "b")
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Publish(ctx, transport.Message{ID: "new", Subject: "s"}); err != nil {
		t.Fatal(err)
	}
	if got := fetchAll(t, ctx, a, 300*time.Millisecond); len(got) != 2 {
		t.Errorf("first group got %d messages, want 2", len(got))
	}
	if got := fetchAll(t, ctx, b, 300*time.Millisecond); len(got) != 1 || got[0].ID != "new" {
		t.Errorf("later group got %+v, want only the new message", got)
	}
	// Another transport (another process) finds the same groups.
	tr2 := newTransport(t, nc, cfg)
	if err := tr2.Publish(ctx, transport.Message{ID: "third", Subject: "s"}); err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"a", "b"} {
		c, err := tr2.Consume(ctx, "s", g)
		if err != nil {
			t.Fatal(err)
		}
		if got := fetchAll(t, ctx, c, 300*time.Millisecond); len(got) != 1 || got[0].ID != "third" {
			t.Errorf("group %s on another transport got %+v", g, got)
		}
	}
}

func TestDeadLetters(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := startServer(t, t.TempDir())
	tr := newTransport(t, connect(t, s), uniqueConfig())
	c, err := tr.Consume(ctx, "svc.S", "exec")
	if err != nil {
		t.Fatal(err)
	}
	_ = tr.Publish(ctx, transport.Message{ID: "m1", Subject: "svc.S", Key: "k", Data: []byte("poison")})
	ds, err := c.Fetch(ctx, 1, 5*time.Second)
	if err != nil || len(ds) != 1 {
		t.Fatalf("Fetch = %d, %v", len(ds), err)
	}
	if err := ds[0].Retry(0); err != nil {
		t.Fatal(err)
	}
	ds, _ = c.Fetch(ctx, 1, 5*time.Second)
	if len(ds) != 1 {
		t.Fatalf("not redelivered")
	}
	if err := ds[0].DeadLetter("bad input:\nline two"); err != nil {
		t.Fatal(err)
	}
	dl, err := tr.DeadLetters(ctx, "svc.S", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dl) != 1 {
		t.Fatalf("DeadLetters = %+v", dl)
	}
	d := dl[0]
	if d.Message.ID != "m1" || d.Message.Key != "k" || d.Message.Subject != "svc.S" || string(d.Message.Data) != "poison" ||
		d.Group != "exec" || d.Reason != "bad input: line two" || d.Attempt != 2 || d.At.IsZero() {
		t.Errorf("dead letter = %+v", d)
	}
	if all, _ := tr.DeadLetters(ctx, "", 10); len(all) != 1 {
		t.Errorf("DeadLetters(all) = %d", len(all))
	}
	if other, _ := tr.DeadLetters(ctx, "svc.Other", 10); len(other) != 0 {
		t.Errorf("DeadLetters(other subject) = %d", len(other))
	}
}

func TestInvalidInput(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := startServer(t, t.TempDir())
	nc := connect(t, s)
	for _, cfg := range []natsjs.Config{{Prefix: "a.b"}, {Stream: "x.y"}, {Partitions: -1}, {Stream: "A", DeadLetterStream: "A"}} {
		if _, err := natsjs.New(ctx, nc, cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	tr := newTransport(t, nc, uniqueConfig())
	for _, m := range []transport.Message{
		{ID: "x", Subject: ""}, {ID: "x", Subject: "a..b"}, {ID: "x", Subject: "a.*"},
		{ID: "x\r\nEvil: 1", Subject: "a"}, {ID: "x", Key: "k\n", Subject: "a"},
	} {
		if err := tr.Publish(ctx, m); err == nil {
			t.Errorf("Publish(%+v) accepted", m)
		}
	}
	if _, err := tr.Consume(ctx, "a.>", "g"); err == nil {
		t.Errorf("Consume of a wildcard accepted")
	}
}
