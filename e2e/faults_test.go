package e2e_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// An undecodable message goes to the dead letters with its reason; the
// engine goes on with the others.
func TestUndecodableMessageIsDeadLettered(t *testing.T) {
	env, _ := newEnv(t)
	ctx := testCtx(t)
	garbage := transport.Message{ID: "garbage-1", Subject: wire.WorkflowSubject("Sums"), Key: "x", Data: []byte("not cbor at all")}
	if err := env.Transport.Publish(ctx, garbage); err != nil {
		t.Fatal(err)
	}
	if got, err := client.Execute(ctx, env.Client, Sums.Sequential, 4); err != nil || got != 6 {
		t.Fatalf("after garbage: %d %v", got, err)
	}
	waitFor(ctx, t, env, func() bool { return len(env.Transport.DeadLetters()) == 1 })
	dl := env.Transport.DeadLetters()[0]
	if dl.Message.ID != "garbage-1" || !strings.Contains(dl.Reason, "decode envelope") {
		t.Fatalf("dead letter %+v", dl)
	}
}

// A corrupt state stops only its own workflow: its messages are
// dead-lettered with a clear reason, other workflows go on.
func TestCorruptStateStopsOnlyThatWorkflow(t *testing.T) {
	env, _ := newEnv(t)
	ctx := testCtx(t)
	if _, err := env.Store.Put(ctx, wire.StateKey("Sums", "broken"), []byte{0xff, 0x00, 0x13}, 0); err != nil {
		t.Fatal(err)
	}
	broken, err := client.Attach(env.Client, Sums.Sequential, "broken")
	if err != nil {
		t.Fatal(err)
	}
	// Its Wait message hits the corrupt state: the caller is told (issue
	// 10, item 8), the message is dead-lettered.
	if _, err := broken.Await(ctx); !errors.Is(err, infinitic.ErrWorkflowCorrupt) || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("awaiting a corrupt instance: want ErrWorkflowCorrupt naming it, got %v", err)
	}
	waitFor(ctx, t, env, func() bool { return len(env.Transport.DeadLetters()) == 1 })
	dl := env.Transport.DeadLetters()[0]
	if !strings.Contains(dl.Reason, "workflow instance corrupt") || !strings.Contains(dl.Reason, "broken") {
		t.Fatalf("dead letter reason %q", dl.Reason)
	}
	if got, err := client.Execute(ctx, env.Client, Sums.Sequential, 3); err != nil || got != 3 {
		t.Fatalf("other workflow: %d %v", got, err)
	}
}
