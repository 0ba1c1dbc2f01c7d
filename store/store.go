// Package store defines where infinitic-go keeps workflow state.
//
// A Store is a versioned key-value map with compare-and-set. Every state
// change of a workflow is a CAS write: two engines racing on the same
// workflow cannot both win, and the loser reloads and reapplies.
// Implementations live in sub-packages: memory (tests), natskv (the
// durable default, on JetStream KV), and SQL/Redis stores.
//
// Keys are made of the characters [A-Za-z0-9_=.-/]; the engine escapes
// user-provided parts (tags, ids) before building keys.
package store

import (
	"context"
	"errors"
	"time"
)

// Version identifies one stored value of a key. Zero means "absent".
type Version uint64

// Store is a versioned key-value map.
type Store interface {
	// Get returns the value and its version, or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, Version, error)
	// Put writes value if the key's current version is expected (0: the
	// key must not exist) and returns the new version, or ErrConflict.
	Put(ctx context.Context, key string, value []byte, expected Version) (Version, error)
	// Delete removes the key if its current version is expected, or returns
	// ErrConflict. Deleting an absent key with expected 0 is not an error.
	Delete(ctx context.Context, key string, expected Version) error
	// Keys lists the keys starting with prefix, in ascending order, after
	// the key after (exclusive; "" starts at the beginning), at most limit
	// (limit <= 0: no limit). Keys are compared bytewise.
	Keys(ctx context.Context, prefix, after string, limit int) ([]string, error)
	// Close releases the store's resources.
	Close() error
}

// Limited is implemented by stores that cap the size of a value (natskv:
// the NATS server's maximum message size). The engine checks a workflow's
// state against it before writing: a state too large fails its instance
// with a clear error, instead of failing to save forever.
type Limited interface {
	// MaxValueSize is the largest value Put accepts, in bytes.
	MaxValueSize() int
}

// Write is one write of Pipeliner.Pipeline.
type Write struct {
	Key   string
	Value []byte
	// Expected is the version the key must have, as for Store.Put, unless
	// Overwrite: then Value replaces whatever the key holds.
	Expected  Version
	Overwrite bool
	// TTL, when positive, makes the store delete the key by itself once
	// TTL has passed since this write, unless the key was written again
	// meanwhile (a later write without TTL keeps it for good). The store
	// may keep the key a little longer (natskv: whole seconds, rounded
	// up). Only for a store that implements Expirer and whose Expires is
	// true.
	TTL time.Duration
}

// Pipeliner is implemented by stores that can send several writes without
// waiting for each one's reply (natskv: on one connection, which the
// server reads in order). The engine writes an instance's new index
// entries and its state with it, in one round trip instead of two.
type Pipeliner interface {
	// Pipeline applies writes in their order and returns each one's new
	// version, or its error (ErrConflict as Put). Each write is
	// conditioned on its own key only: one may fail while a later one
	// succeeds, but none is applied before an earlier one, and none is
	// sent after one that could not be sent.
	Pipeline(ctx context.Context, writes []Write) ([]Version, []error)
}

// Expirer is implemented by stores that can delete keys by themselves
// after a time to live (natskv: per-message TTLs). The engine then writes
// a finished instance's index entries, and its state once its messages
// are published, with the rest of its retention as TTL (Write.TTL)
// instead of scheduling a message that deletes them: the deletion costs
// the store's own bookkeeping, not a round of messages and store
// requests.
type Expirer interface {
	Pipeliner
	// Expires tells whether Pipeline honors Write.TTL: a store may
	// depend on its server (natskv: a server and bucket that allow
	// per-message TTLs, nats-server 2.11 or later).
	Expires() bool
}

// MaxKeyLength is the longest key every store accepts. natskv refuses
// longer keys with ErrKeyTooLong (a longer NATS subject would make the
// server close the connection). Keys the engine builds from ids and tags
// within their limits are far shorter.
const MaxKeyLength = 2048

var (
	// ErrKeyTooLong is returned for a key longer than MaxKeyLength.
	ErrKeyTooLong = errors.New("store: key too long")
	// ErrNotFound is returned by Get for an absent key.
	ErrNotFound = errors.New("store: key not found")
	// ErrConflict is returned by Put and Delete when the expected version
	// does not match: someone else wrote the key first.
	ErrConflict = errors.New("store: version conflict")
	// ErrClosed is returned by operations on a closed store.
	ErrClosed = errors.New("store: closed")
)
