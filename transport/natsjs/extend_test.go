package natsjs_test

import (
	"context"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

// TestExtendHoldsDelivery: a delivery extended more often than its
// AckWait is not delivered again; once no longer extended, it is.
func TestExtendHoldsDelivery(t *testing.T) {
	s := startServer(t, t.TempDir())
	cfg := uniqueConfig()
	cfg.AckWait = time.Second
	tr := newTransport(t, connect(t, s), cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := tr.Consume(ctx, "svc.X", "g")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := tr.Publish(ctx, transport.Message{ID: "x", Subject: "svc.X", Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	ds, err := c.Fetch(ctx, 1, 5*time.Second)
	if err != nil || len(ds) != 1 {
		t.Fatalf("Fetch: %d, %v", len(ds), err)
	}
	e, ok := ds[0].(transport.Extender)
	if !ok || e.AckTimeout() != time.Second {
		t.Fatalf("delivery %T: not an Extender with the AckWait", ds[0])
	}
	for range 10 { // 3 AckWaits
		time.Sleep(300 * time.Millisecond)
		if err := e.Extend(); err != nil {
			t.Fatal(err)
		}
		if again, _ := c.Fetch(ctx, 1, time.Millisecond); len(again) > 0 {
			t.Fatalf("delivered again while extended (attempt %d)", again[0].Attempt())
		}
	}
	again, err := c.Fetch(ctx, 1, 5*time.Second) // no longer extended
	if err != nil || len(again) != 1 || again[0].Attempt() != 2 {
		t.Fatalf("after the extensions: %d deliveries, %v", len(again), err)
	}
	_ = again[0].Ack()
}
