// Package sqltest tests the SQL store packages against real servers: the
// store conformance suite plus what only SQL stores have (migrations,
// generation rollover, key validation). Each test uses its own tables,
// dropped at cleanup, so packages and runs can go in parallel.
package sqltest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/internal/sqlstore"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/store/storetest"
)

// Store is what the dialect packages' stores have in common.
type Store interface {
	store.Store
	Migrate(ctx context.Context) error
	SchemaVersion(ctx context.Context) (int, error)
}

// Backend is a server under test, reached through one dialect package.
type Backend struct {
	// Open opens a store on table.
	Open func(ctx context.Context, table string, skipMigrate bool) (Store, error)
	// Drop drops table and its companions (IF EXISTS).
	Drop func(ctx context.Context, table string) error
	// SetVersion overwrites the version of key in table, behind the
	// store's back.
	SetVersion func(ctx context.Context, table, key string, v store.Version) error
}

// Table returns a fresh table name and drops that table at cleanup.
func Table(t testing.TB, b Backend) string {
	t.Helper()
	name := fmt.Sprintf("infinitic_test_%d_%08x", time.Now().UnixNano()%1e9, rand.Uint32())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := b.Drop(ctx, name); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	return name
}

func open(t *testing.T, b Backend, table string) Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := b.Open(ctx, table, false)
	if err != nil {
		t.Fatalf("open %s: %v", table, err)
	}
	return s
}

// Run runs the conformance suite (a table per case) and the SQL tests.
func Run(t *testing.T, b Backend) {
	t.Run("Conformance", func(t *testing.T) {
		t.Parallel()
		storetest.Run(t, func(t *testing.T) store.Store { return open(t, b, Table(t, b)) })
	})
	t.Run("SharedTable", func(t *testing.T) {
		t.Parallel()
		table := Table(t, b)
		open(t, b, table).Close()
		storetest.Run(t, func(t *testing.T) store.Store { return open(t, b, table) })
	})
	for _, c := range []struct {
		name string
		run  func(t *testing.T, b Backend)
	}{
		{"ConcurrentMigrate", concurrentMigrate},
		{"SkipMigrate", skipMigrate},
		{"GenerationRollover", rollover},
		{"InvalidKeys", invalidKeys},
		{"InvalidTable", invalidTable},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, b)
		})
	}
}

func concurrentMigrate(t *testing.T, b Backend) {
	table := Table(t, b)
	ctx := context.Background()
	var wg sync.WaitGroup
	stores := make([]Store, 4)
	errs := make([]error, len(stores))
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = b.Open(ctx, table, false) })
	}
	wg.Wait()
	for _, s := range stores {
		if s != nil {
			defer s.Close()
		}
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent open: %v", err)
	}
	v, err := stores[0].SchemaVersion(ctx)
	if err != nil || v < 1 {
		t.Fatalf("SchemaVersion = %d, %v", v, err)
	}
	if err := stores[1].Migrate(ctx); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	if v2, err := stores[2].SchemaVersion(ctx); v2 != v || err != nil {
		t.Errorf("SchemaVersion after a second Migrate = %d, %v; want %d", v2, err, v)
	}
}

func skipMigrate(t *testing.T, b Backend) {
	ctx := context.Background()
	table := Table(t, b)
	if s, err := b.Open(ctx, table, true); err == nil {
		s.Close()
		t.Fatalf("SkipMigrate on a missing schema: no error")
	}
	open(t, b, table).Close()
	s, err := b.Open(ctx, table, true)
	if err != nil {
		t.Fatalf("SkipMigrate on a migrated schema: %v", err)
	}
	s.Close()
}

func rollover(t *testing.T, b Backend) {
	ctx := context.Background()
	table := Table(t, b)
	s := open(t, b, table)
	defer s.Close()
	v1, err := s.Put(ctx, "k", []byte("one"), 0)
	if err != nil {
		t.Fatal(err)
	}
	// Jump to the last version of the generation, as after 65,535 updates.
	last := v1 | (1<<sqlstore.SeqBits - 1)
	if err := b.SetVersion(ctx, table, "k", last); err != nil {
		t.Fatal(err)
	}
	v2, err := s.Put(ctx, "k", []byte("two"), last)
	if err != nil {
		t.Fatalf("Put after the last version of a generation: %v", err)
	}
	if v2 <= last || v2&(1<<sqlstore.SeqBits-1) != 0 {
		t.Errorf("version after rollover %#x, want a new generation after %#x", v2, last)
	}
	if _, err := s.Put(ctx, "k", []byte("stale"), last); !errors.Is(err, store.ErrConflict) {
		t.Errorf("Put with the rolled-over version: %v, want ErrConflict", err)
	}
	if v3, err := s.Put(ctx, "k", []byte("three"), v2); err != nil || v3 != v2+1 {
		t.Errorf("update in the new generation = %#x, %v; want %#x", v3, err, v2+1)
	}
}

func invalidKeys(t *testing.T, b Backend) {
	ctx := context.Background()
	s := open(t, b, Table(t, b))
	defer s.Close()
	long := make([]byte, sqlstore.MaxKeyLen+1)
	for i := range long {
		long[i] = 'a'
	}
	for _, k := range []string{"", "tab\t", "caf\u00e9", string(long)} {
		_, err := s.Put(ctx, k, []byte("v"), 0)
		if err == nil || errors.Is(err, store.ErrConflict) {
			t.Errorf("Put(%.20q) = %v, want an invalid key error", k, err)
		}
		if _, _, err := s.Get(ctx, k); err == nil || errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get(%.20q) = %v, want an invalid key error", k, err)
		}
	}
	if _, err := s.Keys(ctx, "caf\u00e9", "", 0); err == nil {
		t.Errorf("Keys with a non-ASCII prefix: no error")
	}
	edge := "~~" // 0x7e, the last printable byte: its prefix end is 0x7f
	if _, err := s.Put(ctx, edge, nil, 0); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Keys(ctx, "~", "", 0); err != nil || len(got) != 1 || got[0] != edge {
		t.Errorf("Keys(~) = %q, %v", got, err)
	}
}

func invalidTable(t *testing.T, b Backend) {
	for _, name := range []string{"Upper", "1abc", "a-b", "a;drop", strings.Repeat("x", sqlstore.MaxTableLen+1)} {
		if s, err := b.Open(context.Background(), name, false); err == nil {
			s.Close()
			t.Errorf("Open(table %q): no error", name)
		}
	}
}
