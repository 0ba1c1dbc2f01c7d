// Package memory is an in-process [store.Store] for tests.
//
// Values live in a map guarded by a mutex. Versions come from one counter
// per store, so they increase monotonically across all keys: a key
// deleted and written again never reuses a version.
package memory

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/infinitic-go/infinitic/store"
)

// Store is an in-memory store.Store. The zero value is not usable: use New.
type Store struct {
	mu      sync.RWMutex
	closed  bool
	version store.Version // last version handed out
	entries map[string]item
}

type item struct {
	value   []byte
	version store.Version
}

var _ store.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store { return &Store{entries: make(map[string]item)} }

// Get returns a copy of the value of key and its version, or
// store.ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) ([]byte, store.Version, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, 0, store.ErrClosed
	}
	it, ok := s.entries[key]
	if !ok {
		return nil, 0, store.ErrNotFound
	}
	return slices.Clone(it.value), it.version, nil
}

// Put stores a copy of value if key is at version expected (0: absent).
func (s *Store) Put(ctx context.Context, key string, value []byte, expected store.Version) (store.Version, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, store.ErrClosed
	}
	if s.entries[key].version != expected {
		return 0, store.ErrConflict
	}
	s.version++
	if value == nil {
		value = []byte{}
	}
	s.entries[key] = item{value: slices.Clone(value), version: s.version}
	return s.version, nil
}

// Delete removes key if it is at version expected. Deleting an absent key
// with expected 0 succeeds.
func (s *Store) Delete(ctx context.Context, key string, expected store.Version) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return store.ErrClosed
	}
	if s.entries[key].version != expected {
		return store.ErrConflict
	}
	delete(s.entries, key)
	return nil
}

// Keys returns the sorted keys with prefix that sort after after, at most
// limit of them (limit <= 0: no limit). It sorts all matching keys: fine
// for tests, not for millions of keys.
func (s *Store) Keys(ctx context.Context, prefix, after string, limit int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, store.ErrClosed
	}
	var keys []string
	for k := range s.entries {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
		}
	}
	s.mu.RUnlock()
	slices.Sort(keys)
	if limit > 0 && len(keys) > limit {
		keys = keys[:limit]
	}
	return keys, nil
}

// Close makes later calls return store.ErrClosed. It is idempotent.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}
