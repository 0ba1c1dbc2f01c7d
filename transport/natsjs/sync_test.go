package natsjs_test

import (
	"context"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// A Fetch asks the server for no fsync round when a round requested after
// its transport fetched a later message of the stream covers it (a
// backlog shared by consumers), and asks for one otherwise.
func TestFetchOfDurableMessagesWaitsForNoRound(t *testing.T) {
	s, err := embedded.Start(embedded.Config{DataDir: t.TempDir(), Durability: embedded.DurabilityPowerLoss})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	cfg := uniqueConfig()
	tr := newTransport(t, connect(t, s), cfg)
	if !tr.GroupCommit() {
		t.Fatal("no group commit")
	}
	spy := connect(t, s)
	requests, err := spy.SubscribeSync(wire.SyncSubject)
	if err != nil {
		t.Fatal(err)
	}
	rounds := func() int { // requests seen so far
		t.Helper()
		if err := spy.Flush(); err != nil {
			t.Fatal(err)
		}
		n, _, err := requests.Pending()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Stored in this order: svc.Old's message, svc.New's, then svc.Other's,
	// published by another transport.
	for _, subject := range []string{"svc.Old", "svc.New"} {
		if err := tr.Publish(ctx, transport.Message{ID: subject, Subject: subject, Data: []byte(subject)}); err != nil {
			t.Fatal(err)
		}
	}
	other := newTransport(t, connect(t, s), cfg)
	if err := other.Publish(ctx, transport.Message{ID: "svc.Other", Subject: "svc.Other", Data: []byte("svc.Other")}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		subject   string
		wantRound bool
	}{
		{"svc.New", false},  // its Publish's round covers it
		{"svc.Other", true}, // stored after all this transport saw: the last round may predate it
		{"svc.Old", false},  // stored before svc.New's
	} {
		c, err := tr.Consume(ctx, tt.subject, "g")
		if err != nil {
			t.Fatal(err)
		}
		before := rounds()
		ds, err := c.Fetch(ctx, 10, 5*time.Second)
		if err != nil || len(ds) != 1 || ds[0].Message().ID != tt.subject {
			t.Fatalf("%s: fetched %d messages, %v", tt.subject, len(ds), err)
		}
		if got := rounds() > before; got != tt.wantRound {
			t.Errorf("%s: Fetch asked for a round: %v, want %v", tt.subject, got, tt.wantRound)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
