package e2e_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/store"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
)

// flakyChunks is a store whose reads of history chunks fail while
// failures is positive, as a store that is briefly unreachable.
type flakyChunks struct {
	store.Store
	failures atomic.Int32
	failed   atomic.Int32
}

func (f *flakyChunks) Get(ctx context.Context, key string) ([]byte, store.Version, error) {
	if strings.HasPrefix(key, "log.") && f.failures.Add(-1) >= 0 {
		f.failed.Add(1)
		return nil, 0, errors.New("store unreachable for a moment")
	}
	return f.Store.Get(ctx, key)
}

// Issue 10, item 6: a transient store error while reading a history chunk
// is retried (it once dead-lettered the message as if the state were
// corrupt, and the workflow stayed running forever).
func TestTransientChunkReadIsRetried(t *testing.T) {
	ctx := testCtx(t)
	tr := memory.New()
	st := &flakyChunks{Store: memstore.New()}
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet, ShutdownGrace: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// No cache: every step reloads the instance, chunks included.
	if err := errors.Join(
		worker.AddService[Big](w, big{}),
		worker.AddWorkflow(w, func() Limited { return limited{} }, worker.WithCacheSize(0)),
	); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(ctx, client.Config{Transport: tr, Store: st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	runWorker(t, w, c, tr)
	st.failures.Store(3) // the next three chunk reads fail
	// 50 tasks in sequence: a history of 101 records, the first 64 sealed
	// in a chunk that later steps read.
	if got, err := client.Execute(ctx, c, Limited.Loop, 50); err != nil || got != 50 {
		t.Fatalf("Loop: %d %v", got, err)
	}
	if st.failed.Load() == 0 {
		t.Fatal("no chunk read failed: the test did not test anything")
	}
	if dls := tr.DeadLetters(); len(dls) > 0 {
		t.Fatalf("dead letters: %+v", dls)
	}
}
