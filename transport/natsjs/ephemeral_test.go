package natsjs_test

import (
	"context"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

// Consumers of ephemeral groups (claiming the primary or not) expire once
// unused; the others live forever.
func TestEphemeralGroupsExpire(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := startServer(t, t.TempDir())
	nc := connect(t, s)
	cfg := uniqueConfig()
	tr := newTransport(t, nc, cfg)
	js, err := jetstreamNew(nc)
	if err != nil {
		t.Fatal(err)
	}
	// Publishing first creates the unclaimed primary consumer, which the
	// first (ephemeral) group then claims.
	if err := tr.Publish(ctx, transport.Message{ID: "m", Subject: "eph"}); err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{transport.EphemeralGroup + "one", transport.EphemeralGroup + "two", "durable"} {
		if _, err := tr.Consume(ctx, "eph", g); err != nil {
			t.Fatal(err)
		}
	}
	stream, err := js.Stream(ctx, cfg.Stream)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Duration{transport.EphemeralGroup + "one": natsjs.EphemeralTTL, transport.EphemeralGroup + "two": natsjs.EphemeralTTL, "durable": 0}
	seen := 0
	for info := range stream.ListConsumers(ctx).Info() {
		for g, ttl := range want {
			if info.Config.Description != "" && containsGroup(info.Config.Description, g) {
				seen++
				if info.Config.InactiveThreshold != ttl {
					t.Errorf("group %s: inactive threshold %v, want %v", g, info.Config.InactiveThreshold, ttl)
				}
			}
		}
	}
	if seen != 3 {
		t.Fatalf("found %d of the 3 group consumers", seen)
	}
}

func containsGroup(description, group string) bool {
	return len(description) >= len(group) && description[len(description)-len(group):] == group
}
