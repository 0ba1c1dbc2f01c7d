package natsjs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

// TestCloseNaksPulledMessages: what a consumer's pull request brought
// (returned by Fetch or still in its inbox) goes to the rest of the group
// at once when the consumer closes, not after AckWait.
func TestCloseNaksPulledMessages(t *testing.T) {
	s := startServer(t, t.TempDir())
	cfg := uniqueConfig()
	cfg.AckWait = time.Minute
	tr := newTransport(t, connect(t, s), cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const n = 50
	a, err := tr.Consume(ctx, "wf.P", "engine")
	if err != nil {
		t.Fatal(err)
	}
	msgs := make([]transport.Message, n)
	for i := range msgs {
		msgs[i] = transport.Message{ID: fmt.Sprint("m", i), Subject: "wf.P", Key: fmt.Sprint(i), Data: []byte("x")}
	}
	if err := tr.Publish(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	if ds, err := a.Fetch(ctx, n, time.Second); err != nil || len(ds) == 0 {
		t.Fatalf("Fetch: %d deliveries, %v", len(ds), err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := tr.Consume(ctx, "wf.P", "engine")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got := map[string]bool{}
	for deadline := time.Now().Add(10 * time.Second); len(got) < n && time.Now().Before(deadline); {
		ds, err := b.Fetch(ctx, n, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			got[d.Message().ID] = true
			_ = d.Ack()
		}
	}
	if len(got) != n {
		t.Fatalf("the group got %d of %d messages back within 10 s (AckWait is a minute)", len(got), n)
	}
}
