package customid_test

import (
	"context"
	"testing"

	"github.com/infinitic-go/infinitic/internal/customid"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store/memory"
)

func TestClaimAndRelease(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		owner  int // status of the current owner "old" (0: no state yet); -1: no owner
		claim  string
		want   string
		freeBy string // Release by this id then
		freed  bool
	}{
		{"no owner", -1, "new", "new", "new", true},
		{"owner about to start (no state yet)", 0, "new", "old", "new", false},
		{"owner running", int(wire.StatusRunning), "new", "old", "old", true},
		{"owner completed", int(wire.StatusCompleted), "new", "new", "old", false},
		{"owner failed", int(wire.StatusFailed), "new", "new", "new", true},
		{"owner canceled", int(wire.StatusCanceled), "new", "new", "new", true},
		{"the failed owner claims again", int(wire.StatusFailed), "old", "old", "old", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := memory.New()
			if tc.owner >= 0 {
				if _, err := s.Put(ctx, wire.CustomIDKey("W", "c"), []byte("old"), 0); err != nil {
					t.Fatal(err)
				}
			}
			if tc.owner > 0 {
				data, err := wire.Marshal(&wire.State{ID: "old", Workflow: "W", Status: wire.Status(tc.owner)})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.Put(ctx, wire.StateKey("W", "old"), data, 0); err != nil {
					t.Fatal(err)
				}
			}
			got, err := customid.Claim(ctx, s, "W", "c", tc.claim)
			if err != nil || got != tc.want {
				t.Fatalf("Claim: %q %v, want %q", got, err, tc.want)
			}
			if err := customid.Release(ctx, s, "W", "c", tc.freeBy); err != nil {
				t.Fatal(err)
			}
			_, _, err = s.Get(ctx, wire.CustomIDKey("W", "c"))
			if freed := err != nil; freed != tc.freed {
				t.Fatalf("after Release by %q: freed=%v, want %v", tc.freeBy, freed, tc.freed)
			}
		})
	}
}

func TestCustomIDTag(t *testing.T) {
	c, ok := wire.CustomIDOf([]string{"a", wire.CustomIDTag("x:y"), "b"})
	if !ok || c != "x:y" {
		t.Fatalf("got %q %v", c, ok)
	}
	if _, ok := wire.CustomIDOf([]string{"customid:x"}); ok {
		t.Fatal("tags are case-sensitive")
	}
}
