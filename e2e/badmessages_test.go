package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// waitDeadLetters waits until every reason in want appears in one dead
// letter of d (each a substring of a reason).
func waitDeadLetters(ctx context.Context, t *testing.T, d *deployment, want []string) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		got := d.DeadLetters(ctx)
		missing := slices.DeleteFunc(slices.Clone(want), func(w string) bool {
			return slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, w) })
		})
		if len(missing) == 0 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no dead letter saying %q; dead letters: %q", missing, got)
		case <-tick.C:
		}
	}
}

// Issue 10, items 3 and 5, as raw messages published onto the project's
// subjects (what a buggy or hostile producer could send): each goes to the
// dead letters with a reason that says what is wrong, at once rather than
// after endless retries; the worker stays connected and other workflows go
// on. Item 8: a caller awaiting an instance whose state is corrupt gets
// ErrWorkflowCorrupt.
func TestBadRawMessagesAreDeadLettered(t *testing.T) {
	longID := strings.Repeat("i", 5000)
	bigInput := []byte(`"` + strings.Repeat("x", infinitic.MaxPayloadSize) + `"`)
	dispatch := func(id string, d *wire.Dispatch) *wire.Envelope {
		return &wire.Envelope{Kind: wire.KindDispatch, WorkflowID: id, Workflow: "Limited", Dispatch: d}
	}
	cases := []struct {
		name    string
		subject string
		key     string
		env     *wire.Envelope
		data    []byte // instead of env
		reason  string
	}{
		{"dispatch with a 5000-byte id", wire.WorkflowSubject("Limited"), longID,
			dispatch(longID, &wire.Dispatch{Method: "Echo", Input: []byte(`"x"`)}), nil, "MaxIDLength"},
		{"dispatch with a control character in its id", wire.WorkflowSubject("Limited"), "",
			dispatch("a\x01b", &wire.Dispatch{Method: "Echo", Input: []byte(`"x"`)}), nil, "IDCharacters"},
		{"dispatch whose waiter is not a subject token", wire.WorkflowSubject("Limited"), "w1",
			dispatch("w1", &wire.Dispatch{Method: "Echo", Input: []byte(`"x"`), Waiter: "not a token!"}), nil, "not a valid subject token"},
		{"dispatch with an input over MaxPayloadSize", wire.WorkflowSubject("Limited"), "w2",
			dispatch("w2", &wire.Dispatch{Method: "Echo", Input: bigInput}), nil, "MaxPayloadSize"},
		{"execute without a parent", wire.ServiceSubject("Big"), "t",
			&wire.Envelope{Kind: wire.KindExecute, Execute: &wire.Execute{TaskID: "t", Service: "Big", Method: "Echo", Input: []byte(`"x"`), Attempt: 1}},
			nil, "without a valid parent"},
		{"garbage", wire.WorkflowSubject("Limited"), "g", nil, []byte("not cbor at all"), "decode envelope"},
	}
	onBackends(t, registerLimited, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		var reasons []string
		for i, c := range cases {
			data := c.data
			if c.env != nil {
				var err error
				if data, err = wire.Marshal(c.env); err != nil {
					t.Fatal(err)
				}
			}
			m := transport.Message{ID: fmt.Sprintf("raw-%d", i), Subject: c.subject, Key: c.key, Data: data}
			if err := d.Transport.Publish(ctx, m); err != nil {
				t.Fatalf("%s: publish: %v", c.name, err)
			}
			reasons = append(reasons, c.reason)
		}
		// A corrupt state: its caller is told.
		if _, err := d.Store.Put(ctx, wire.StateKey("Limited", "corrupt"), []byte{0xff, 0x00, 0x13}, 0); err != nil {
			t.Fatal(err)
		}
		run, err := client.Attach(d.Client, Limited.Echo, "corrupt")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run.Await(ctx); !errors.Is(err, infinitic.ErrWorkflowCorrupt) || !strings.Contains(err.Error(), "corrupt") {
			t.Errorf("awaiting a corrupt instance: want ErrWorkflowCorrupt, got %v", err)
		}
		reasons = append(reasons, "workflow instance corrupt")
		waitDeadLetters(ctx, t, d, reasons)
		if got, err := client.Execute(ctx, d.Client, Limited.Echo, "still here"); err != nil || got != "still here" {
			t.Fatalf("a workflow after the bad messages: %q %v", got, err)
		}
	})
}
