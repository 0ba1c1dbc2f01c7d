package e2e_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/natsjs"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

type Vault interface {
	Seal(ctx context.Context, s string) (string, error)
}

type vault struct{}

func (vault) Seal(_ context.Context, s string) (string, error) { return "sealed " + s, nil }

type Diary interface {
	Write(ctx workflow.Context, entry string) (string, error)
}

var DiaryNotes = workflow.NewChannel[Diary, string]("notes")

type diary struct{}

func (diary) Write(ctx workflow.Context, entry string) (string, error) {
	sealed, err := workflow.Call(ctx, Vault.Seal, entry)
	if err != nil {
		return "", err
	}
	note, err := DiaryNotes.Receive(ctx).Await(ctx)
	return sealed + ", " + note, err
}

// rawCapture records every message that crosses the NATS server: stream
// messages, KV writes, replies.
type rawCapture struct {
	mu   sync.Mutex
	msgs [][]byte
}

func (r *rawCapture) holds(s string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.msgs {
		if bytes.Contains(m, []byte(s)) {
			return true
		}
	}
	return false
}

// Issue 14: with infinitic.EncryptedCodec, neither the messages crossing
// the broker nor the stored states hold the user's payloads in clear (the
// same run with JSON shows that the check would find them). After a key
// rotation, the instance started with the old key completes.
func TestEncryptedPayloads(t *testing.T) {
	k1 := infinitic.Key{ID: "k1", Secret: bytes.Repeat([]byte{1}, 32)}
	k2 := infinitic.Key{ID: "k2", Secret: bytes.Repeat([]byte{2}, 32)}
	before, err := infinitic.EncryptedCodec(infinitic.JSON, k1)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := infinitic.EncryptedCodec(infinitic.JSON, k2, k1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name          string
		first, second infinitic.Codec
		clear         bool
	}{
		{"json", infinitic.JSON, infinitic.JSON, true},
		{"encrypted, key rotated midway", before, rotated, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			b := openWithAckWait(ctx, t)
			raw := &rawCapture{}
			sub, err := b.Conn.Subscribe(">", func(m *nats.Msg) {
				raw.mu.Lock()
				raw.msgs = append(raw.msgs, m.Data)
				raw.mu.Unlock()
			})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = sub.Unsubscribe() }()
			// runWith runs a worker and a client with codec while f runs.
			runWith := func(codec infinitic.Codec, f func(c *client.Client)) {
				quiet := slog.New(slog.DiscardHandler)
				w, err := worker.New(worker.Config{Transport: b.Transport, Store: b.Store, Codec: codec, Logger: quiet,
					ShutdownGrace: time.Second})
				if err != nil {
					t.Fatal(err)
				}
				if err := worker.AddService[Vault](w, vault{}); err != nil {
					t.Fatal(err)
				}
				if err := worker.AddWorkflow(w, func() Diary { return diary{} }); err != nil {
					t.Fatal(err)
				}
				wctx, stop := context.WithCancel(ctx)
				stopped := make(chan error, 1)
				go func() { stopped <- w.Run(wctx) }()
				defer func() { stop(); <-stopped }()
				c, err := client.New(ctx, client.Config{Transport: b.Transport, Store: b.Store, Codec: codec, Logger: quiet})
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				f(c)
			}
			var run *client.Run[string]
			runWith(tc.first, func(c *client.Client) {
				if run, err = client.Start(ctx, c, Diary.Write, "entry-TOPSECRET"); err != nil {
					t.Fatal(err)
				}
				waitForReceive(ctx, t, b.Transport, b.Store, "Diary", run.ID()) // the task's result is in the history
			})
			var got string
			runWith(tc.second, func(c *client.Client) {
				run, err := client.Attach(c, Diary.Write, run.ID())
				if err != nil {
					t.Fatal(err)
				}
				if err := client.Send(ctx, c, DiaryNotes, run.ID(), "note-CONFIDENTIAL"); err != nil {
					t.Fatal(err)
				}
				if got, err = run.Await(ctx); err != nil {
					t.Fatal(err)
				}
			})
			if want := "sealed entry-TOPSECRET, note-CONFIDENTIAL"; got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
			keys, err := b.Store.Keys(ctx, "", "", 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				v, _, err := b.Store.Get(ctx, k)
				if err != nil {
					t.Fatal(err)
				}
				raw.mu.Lock()
				raw.msgs = append(raw.msgs, v)
				raw.mu.Unlock()
			}
			if err := b.Conn.Flush(); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"entry-TOPSECRET", "note-CONFIDENTIAL", "sealed entry"} {
				if raw.holds(s) != tc.clear {
					t.Errorf("%q in clear on the broker or in the store: %v, want %v (%d messages, %d keys)",
						s, !tc.clear, tc.clear, len(raw.msgs), len(keys))
				}
			}
		})
	}
}

// waitForReceive waits until instance id of workflow waits on a channel.
func waitForReceive(ctx context.Context, t *testing.T, tr transport.Transport, st store.Store, workflow, id string) {
	t.Helper()
	a, err := admin.New(ctx, admin.Config{Transport: tr, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for {
		in, err := a.Describe(ctx, workflow, id)
		if err == nil && len(in.Pending) == 1 && in.Pending[0].Kind == admin.StepReceive {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s %s never waited on a channel: %+v, %v", workflow, id, in, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// openWithAckWait opens an embedded backend whose deliveries come back
// after a second: a worker stopped while its pull request was pending may
// leave one delivery unsettled until then.
func openWithAckWait(ctx context.Context, t *testing.T) *broker.Backend {
	srv, err := embedded.Start(embedded.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	b := &broker.Backend{}
	t.Cleanup(func() { _ = b.Close() })
	if b.Conn, err = srv.Connect(); err != nil {
		t.Fatal(err)
	}
	if b.Transport, err = natsjs.New(ctx, b.Conn, natsjs.Config{AckWait: time.Second}); err != nil {
		t.Fatal(err)
	}
	if b.Store, err = natskv.New(ctx, b.Conn, natskv.Config{}); err != nil {
		t.Fatal(err)
	}
	return b
}
