package embedded_test

import (
	"context"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/transport"
)

func TestParseDurability(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want embedded.Durability
		ok   bool
	}{
		{"", embedded.DurabilityProcessCrash, true},
		{"process-crash", embedded.DurabilityProcessCrash, true},
		{"power-loss", embedded.DurabilityPowerLoss, true},
		{"fsync", 0, false},
	} {
		d, err := embedded.ParseDurability(tt.in)
		if (err == nil) != tt.ok || tt.ok && d != tt.want {
			t.Errorf("ParseDurability(%q) = %v, %v", tt.in, d, err)
		}
		if tt.ok && tt.in != "" && d.String() != tt.in {
			t.Errorf("%v.String() = %q", d, d.String())
		}
	}
}

func TestPowerLossNeedsOneServer(t *testing.T) {
	_, err := embedded.Start(embedded.Config{DataDir: t.TempDir(), Durability: embedded.DurabilityPowerLoss,
		ServerName: "n1", Cluster: embedded.Cluster{Name: "c", Listen: "127.0.0.1:0"}})
	if err == nil {
		t.Fatal("power-loss durability accepted on a cluster node")
	}
}

// The transport finds the server's group commit, and messages go through
// it: published (durable when Publish returns), fetched, acked after the
// next fsync round (nothing is redelivered).
func TestDurabilityOnTransport(t *testing.T) {
	for _, tt := range []struct {
		durability embedded.Durability
		group      bool
	}{
		{embedded.DurabilityProcessCrash, false},
		{embedded.DurabilityPowerLoss, true},
	} {
		t.Run(tt.durability.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			b, err := embedded.Open(ctx, embedded.Config{DataDir: t.TempDir(), Durability: tt.durability})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if got := b.Transport.GroupCommit(); got != tt.group {
				t.Fatalf("GroupCommit() = %v", got)
			}
			c, err := b.Transport.Consume(ctx, "svc.S", "g")
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			msgs := []transport.Message{{ID: "1", Subject: "svc.S", Data: []byte("a")}, {ID: "2", Subject: "svc.S", Data: []byte("b")}}
			if err := b.Transport.Publish(ctx, msgs...); err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for len(got) < len(msgs) {
				ds, err := c.Fetch(ctx, 10, time.Second)
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range ds {
					if got[d.Message().ID] {
						t.Errorf("%s delivered twice", d.Message().ID)
					}
					got[d.Message().ID] = true
					if err := d.Ack(); err != nil {
						t.Fatal(err)
					}
				}
			}
			// Acked after an fsync round: the group settles both.
			for acked(ctx, t, b, "svc.S") < uint64(len(msgs)) {
				select {
				case <-ctx.Done():
					t.Fatal("the acks never reached the server")
				case <-time.After(10 * time.Millisecond):
				}
			}
		})
	}
}

// acked returns how many messages of subject its group settled.
func acked(ctx context.Context, t *testing.T, b *embedded.Backend, subject string) uint64 {
	infos, err := b.Transport.Inspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, info := range infos {
		if info.Subject == subject && len(info.Groups) == 1 {
			return info.Groups[0].Acked
		}
	}
	return 0
}
