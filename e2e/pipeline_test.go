package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/store"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
)

// lossyEntries is a store.Pipeliner that loses the first tag and index
// entries of its pipelines while writing the states after them, as a
// connection lost between two pipelined writes would, and fails the
// engine's Puts of such entries while putFailures is positive.
type lossyEntries struct {
	store.Store
	losses, putFailures atomic.Int32
}

func isEntry(key string) bool {
	return strings.HasPrefix(key, "index") || strings.HasPrefix(key, "tag.")
}

func (s *lossyEntries) Put(ctx context.Context, key string, value []byte, expected store.Version) (store.Version, error) {
	if isEntry(key) && s.putFailures.Add(-1) >= 0 {
		return 0, errors.New("store unreachable for a moment")
	}
	return s.Store.Put(ctx, key, value, expected)
}

func (s *lossyEntries) Pipeline(ctx context.Context, writes []store.Write) ([]store.Version, []error) {
	versions, errs := make([]store.Version, len(writes)), make([]error, len(writes))
	for i, w := range writes {
		if isEntry(w.Key) && s.losses.Add(-1) >= 0 {
			errs[i] = errors.New("connection lost")
			continue
		}
		expected := w.Expected
		for {
			versions[i], errs[i] = s.Store.Put(ctx, w.Key, w.Value, expected)
			if !w.Overwrite || !errors.Is(errs[i], store.ErrConflict) {
				break
			}
			_, expected, _ = s.Store.Get(ctx, w.Key)
		}
	}
	return versions, errs
}

// An instance whose pipelined index entries are lost while its state is
// written is indexed all the same: the engine writes the entries again
// before going on, or, when that fails too, when the message comes back.
func TestLostIndexEntriesAreWrittenAgain(t *testing.T) {
	for _, c := range []struct {
		name        string
		putFailures int32
	}{{"at once", 0}, {"on redelivery", 3}} {
		t.Run(c.name, func(t *testing.T) {
			ctx := testCtx(t)
			tr := memory.New()
			st := &lossyEntries{Store: memstore.New()}
			quiet := slog.New(slog.DiscardHandler)
			w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet, ShutdownGrace: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			registerJobs()(t, w)
			a, err := admin.New(ctx, admin.Config{Transport: tr, Store: st.Store})
			if err != nil {
				t.Fatal(err)
			}
			runWorker(t, w, a, tr)
			// A tag key and two index entries (every instance, the tag).
			st.losses.Store(3)
			st.putFailures.Store(c.putFailures)
			if _, err := a.Start(ctx, "Jobs", "Run", json.RawMessage("0"), admin.StartOptions{ID: "job", Tags: []string{"t"}}); err != nil {
				t.Fatal(err)
			}
			running := admin.Filter{Status: []admin.Status{admin.StatusRunning}}
			tagged := admin.Filter{Tag: "t", Status: []admin.Status{admin.StatusRunning}}
			deadline := time.Now().Add(10 * time.Second)
			for {
				all, err1 := a.List(ctx, "Jobs", running, 0, "")
				byTag, err2 := a.List(ctx, "Jobs", tagged, 0, "")
				ids, err3 := a.IDsByTag(ctx, "Jobs", "t")
				if err := errors.Join(err1, err2, err3); err != nil {
					t.Fatal(err)
				}
				if len(all.Instances) == 1 && len(byTag.Instances) == 1 && len(ids) == 1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("instance not indexed: %d listed, %d by tag, tag index %v", len(all.Instances), len(byTag.Instances), ids)
				}
				time.Sleep(10 * time.Millisecond)
			}
			if st.losses.Load() > 0 || st.putFailures.Load() > 0 {
				t.Fatalf("%d losses and %d failures left: the test did not test anything", st.losses.Load(), st.putFailures.Load())
			}
		})
	}
}
