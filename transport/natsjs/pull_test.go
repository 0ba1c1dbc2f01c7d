package natsjs_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic/embedded"
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

// TestPullAfterReconnect: a pull request left open by a Fetch that gave
// up (its ctx ended) dies with the server; after the restart, Fetch gets
// messages again (the old request ended by the server's "409 Server
// Shutdown", or, had that been lost, by the reconnect: puller.lost).
func TestPullAfterReconnect(t *testing.T) {
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	start := func() *embedded.Server {
		s, err := embedded.Start(embedded.Config{DataDir: dir, Listen: addr})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := start()
	nc, err := nats.Connect(s.ClientURL(), nats.MaxReconnects(-1), nats.ReconnectWait(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	tr := newTransport(t, nc, uniqueConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := tr.Consume(ctx, "wf.R", "engine")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	short, stop := context.WithTimeout(ctx, 50*time.Millisecond)
	_, _ = c.Fetch(short, 1, 20*time.Second) // leaves a request open for 20 s
	stop()
	s.Shutdown()
	s = start()
	defer s.Shutdown()
	for nc.Status() != nats.CONNECTED {
		time.Sleep(10 * time.Millisecond)
	}
	if err := tr.Publish(ctx, transport.Message{ID: "r", Subject: "wf.R", Key: "k", Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	for time.Since(began) < 5*time.Second {
		ds, err := c.Fetch(ctx, 1, time.Second)
		if err != nil { // "409 Server Shutdown" from the old server: retried, as consumers do
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if len(ds) > 0 {
			_ = ds[0].Ack()
			return
		}
	}
	t.Fatal("no message within 5 s of the reconnect")
}
