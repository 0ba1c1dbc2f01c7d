package redis

import (
	"context"
	"strconv"

	goredis "github.com/redis/go-redis/v9"

	"github.com/infinitic-go/infinitic/store"
)

// Get returns the value of key and its version, or store.ErrNotFound: one
// HMGET.
func (s *Store) Get(ctx context.Context, key string) ([]byte, store.Version, error) {
	if s.closed.Load() {
		return nil, 0, store.ErrClosed
	}
	vals, err := s.c.HMGet(ctx, s.data+key, "v", "n").Result()
	if err != nil {
		return nil, 0, s.wrap(err)
	}
	value, _ := vals[0].(string)
	n, ok := vals[1].(string)
	if !ok {
		return nil, 0, store.ErrNotFound
	}
	v, err := strconv.ParseUint(n, 10, 64)
	if err != nil {
		return nil, 0, s.wrap(err)
	}
	return []byte(value), store.Version(v), nil
}

// Put writes value if key is at version expected (0: the key must be
// absent) and returns the new version, or store.ErrConflict when another
// writer got there first. It is one atomic script run.
func (s *Store) Put(ctx context.Context, key string, value []byte, expected store.Version) (store.Version, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	if value == nil {
		value = []byte{}
	}
	n, err := putScript.Run(ctx, s.c, []string{s.data + key, s.index, s.ver},
		key, value, uint64(expected)).Int64()
	if err != nil {
		return 0, s.wrap(err)
	}
	if n == 0 {
		return 0, store.ErrConflict
	}
	return store.Version(n), nil
}

// Delete removes key if it is at version expected, or returns
// store.ErrConflict. Deleting an absent key with expected 0 succeeds. It
// is one atomic script run, which also removes key from the index.
func (s *Store) Delete(ctx context.Context, key string, expected store.Version) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	ok, err := deleteScript.Run(ctx, s.c, []string{s.data + key, s.index}, key, uint64(expected)).Int64()
	if err != nil {
		return s.wrap(err)
	}
	if ok == 0 {
		return store.ErrConflict
	}
	return nil
}

// Keys returns at most limit keys (limit <= 0: all) starting with prefix
// and greater than after, in ascending bytewise order: one ZRANGEBYLEX on
// the index, O(log n + page).
func (s *Store) Keys(ctx context.Context, prefix, after string, limit int) ([]string, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &goredis.ZRangeBy{Min: "-", Max: "+"}
	switch {
	case after != "" && after >= prefix:
		r.Min = "(" + after
	case prefix != "":
		r.Min = "[" + prefix
	}
	if end, ok := prefixEnd(prefix); ok {
		r.Max = "(" + end
	}
	if limit > 0 {
		r.Count = int64(limit)
	}
	keys, err := s.c.ZRangeByLex(ctx, s.index, r).Result()
	if err != nil {
		return nil, s.wrap(err)
	}
	if len(keys) == 0 {
		return nil, nil
	}
	return keys, nil
}

// prefixEnd returns the smallest string greater than every string with
// prefix p, or false when there is none (p empty or all 0xff bytes).
func prefixEnd(p string) (string, bool) {
	b := []byte(p)
	for len(b) > 0 && b[len(b)-1] == 0xff {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return "", false
	}
	b[len(b)-1]++
	return string(b), true
}
