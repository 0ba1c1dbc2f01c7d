// Package natskv is a [store.Store] on a JetStream key-value bucket, the
// durable default of infinitic-go: the NATS server is the only
// infrastructure.
//
// Versions are the bucket's revisions (stream sequences): they increase
// monotonically across the whole bucket. Put with expected 0 is
// KeyValue.Create (which also succeeds over a deleted key), other Puts are
// KeyValue.Update with the expected revision, and Delete writes a delete
// marker conditioned on the expected revision, then purges it. JetStream's
// "wrong last sequence" errors become store.ErrConflict. Pipeline
// (store.Pipeliner) publishes its writes asynchronously, one after the
// other on the store's connection.
//
// A write with a TTL (store.Expirer) carries the Nats-TTL header, in whole
// seconds rounded up: the server removes the message when it expires,
// without a delete marker. New enables per-message TTLs on the bucket's
// stream (AllowMsgTTL, nats-server 2.11 or later), also on a bucket
// created without them; where the server refuses or ignores it (an older
// server, an account not allowed to update streams), Expires is false and
// the engine deletes finished instances itself.
//
// Keys lists keys through a filtered KV watch: the filter is the prefix
// up to its last '.', so a prefix ending with '.' (like "wf.MyWorkflow.")
// reads only its own keys, while other prefixes (like "tag/x/") read
// every key of the bucket under their last dotted token and filter them
// in memory. Keys reads every matching key, sorts them, and then applies
// after and limit: paging costs a full listing per page, fine for the
// engine's administrative listings, not for scanning millions of keys.
package natskv

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/internal/jsapi"
	"github.com/infinitic-go/infinitic/store"
)

// valueHeadroom is what a KV write adds to the value in the message
// (subject, headers), kept free under the server's maximum message size.
const valueHeadroom = 4 << 10

// ackTimeout bounds the wait for a write of Pipeline, like jetstream's
// default timeout of a synchronous request.
const ackTimeout = 5 * time.Second

// DefaultBucket is the bucket used when Config.Bucket is empty.
const DefaultBucket = "infinitic"

// Config configures a Store. The zero value uses the defaults.
type Config struct {
	// Bucket names the KV bucket, created if missing.
	// Default DefaultBucket ("infinitic").
	Bucket string
	// Replicas is the bucket's replication factor on a cluster. Default 1.
	Replicas int
	// Storage is the bucket's storage. Default jetstream.FileStorage.
	Storage jetstream.StorageType
	// MaxValueSize bounds the size of one value, in bytes.
	// Default 0: the server's maximum message size (1 MiB by default).
	MaxValueSize int32
	// Health, when set, tells why the server cannot take writes now (the
	// embedded server sets it to Server.Health): Put and Delete then fail
	// at once with its error, and a failed write carries it. Default nil.
	Health func() error
}

// Store is a store.Store on a JetStream KV bucket. Create it with New.
type Store struct {
	health   func() error
	js       jetstream.JetStream // to write delete markers
	kv       jetstream.KeyValue
	stream   jetstream.Stream // the bucket's stream, to drop delete markers
	bucket   string
	maxValue int
	expires  bool // the stream allows per-message TTLs
	closed   atomic.Bool
}

var (
	_ store.Store     = (*Store)(nil)
	_ store.Limited   = (*Store)(nil)
	_ store.Pipeliner = (*Store)(nil)
	_ store.Expirer   = (*Store)(nil)
)

// New opens the bucket of cfg on the server of nc, creating it if needed.
// An existing bucket is used as is. On a cluster just started, it waits
// for the JetStream leader until ctx ends, or for a minute when ctx has no
// deadline. The store does not own nc: closing the
// store leaves the connection open.
func New(ctx context.Context, nc *nats.Conn, cfg Config) (*Store, error) {
	if cfg.Bucket == "" {
		cfg.Bucket = DefaultBucket
	}
	if cfg.Replicas == 0 {
		cfg.Replicas = 1
	}
	if cfg.Replicas < 0 || cfg.MaxValueSize < 0 {
		return nil, errors.New("store/natskv: Replicas and MaxValueSize must not be negative")
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(ackTimeout))
	if err != nil {
		return nil, fmt.Errorf("store/natskv: %w", err)
	}
	var kv jetstream.KeyValue
	var stream jetstream.Stream
	err = jsapi.Retry(ctx, func(ctx context.Context) error { // a cluster just started may need a few seconds
		kv, stream, err = open(ctx, js, cfg)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store/natskv: open bucket %q: %w", cfg.Bucket, err)
	}
	maxValue := int(cfg.MaxValueSize)
	if maxValue == 0 {
		maxValue = int(nc.MaxPayload()) - valueHeadroom
	}
	return &Store{health: cfg.Health, js: js, kv: kv, stream: stream, bucket: cfg.Bucket, maxValue: maxValue,
		expires: allowTTL(ctx, js, stream)}, nil
}

// allowTTL enables per-message TTLs on the bucket's stream if needed, and
// tells whether the stream has them. A refusal is not an error: without
// TTLs the engine deletes finished instances with its own messages.
func allowTTL(ctx context.Context, js jetstream.JetStream, stream jetstream.Stream) bool {
	cfg := stream.CachedInfo().Config
	if cfg.AllowMsgTTL {
		return true
	}
	cfg.AllowMsgTTL = true
	updated, err := js.UpdateStream(ctx, cfg)
	return err == nil && updated.CachedInfo().Config.AllowMsgTTL
}

// open opens the bucket of cfg and its stream, creating the bucket if
// needed.
func open(ctx context.Context, js jetstream.JetStream, cfg Config) (jetstream.KeyValue, jetstream.Stream, error) {
	kv, err := js.KeyValue(ctx, cfg.Bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		kv, err = js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket:       cfg.Bucket,
			Description:  "infinitic state",
			History:      1,
			Replicas:     cfg.Replicas,
			Storage:      cfg.Storage,
			MaxValueSize: cfg.MaxValueSize,
		})
		if errors.Is(err, jetstream.ErrBucketExists) {
			kv, err = js.KeyValue(ctx, cfg.Bucket) // created concurrently
		}
	}
	if err != nil {
		return nil, nil, err
	}
	stream, err := js.Stream(ctx, "KV_"+cfg.Bucket)
	return kv, stream, err
}

// isConflict reports whether err is a failed compare-and-set.
func isConflict(err error) bool {
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return true
	}
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// check refuses operations on a closed store and keys over
// store.MaxKeyLength (the subject would make the server close the
// connection, disconnecting every user of it).
func (s *Store) check(ctx context.Context, key string) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if len(key) > store.MaxKeyLength {
		return fmt.Errorf("%w: store/natskv: key of %d bytes (max %d)", store.ErrKeyTooLong, len(key), store.MaxKeyLength)
	}
	return ctx.Err()
}

// checkWrite is check for writes: it also fails while the server cannot
// write (Config.Health).
func (s *Store) checkWrite(ctx context.Context, key string) error {
	if err := s.check(ctx, key); err != nil {
		return err
	}
	if s.health != nil {
		if err := s.health(); err != nil {
			return fmt.Errorf("store/natskv: %w", err)
		}
	}
	return nil
}

// writeFailed explains a failed write with the server's health, when it
// knows better than a timeout.
func (s *Store) writeFailed(err error) error {
	if s.health != nil {
		if h := s.health(); h != nil {
			return fmt.Errorf("%w (%w)", h, err)
		}
	}
	return err
}

// MaxValueSize is the largest value Put accepts: Config.MaxValueSize, or
// the server's maximum message size less room for headers.
func (s *Store) MaxValueSize() int { return s.maxValue }

// Get returns the value of key and its revision, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) ([]byte, store.Version, error) {
	if err := s.check(ctx, key); err != nil {
		return nil, 0, err
	}
	e, err := s.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return nil, 0, store.ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store/natskv: get %q: %w", key, err)
	}
	return e.Value(), store.Version(e.Revision()), nil
}

// Put writes value if key is at revision expected (0: absent or deleted)
// and returns the new revision, or store.ErrConflict.
func (s *Store) Put(ctx context.Context, key string, value []byte, expected store.Version) (store.Version, error) {
	if err := s.checkWrite(ctx, key); err != nil {
		return 0, err
	}
	if expected == 0 {
		return s.create(ctx, key, value, 0)
	}
	rev, err := s.kv.Update(ctx, key, value, uint64(expected))
	return s.written(key, expected, rev, err)
}

// create writes key if it is absent or deleted, with a time to live if
// ttl > 0.
func (s *Store) create(ctx context.Context, key string, value []byte, ttl time.Duration) (store.Version, error) {
	var opts []jetstream.KVCreateOpt
	if ttl > 0 {
		opts = append(opts, jetstream.KeyTTL(seconds(ttl)))
	}
	rev, err := s.kv.Create(ctx, key, value, opts...)
	return s.written(key, 0, rev, err)
}

// written is the outcome of a write of key at version expected.
func (s *Store) written(key string, expected store.Version, rev uint64, err error) (store.Version, error) {
	if isConflict(err) {
		return 0, fmt.Errorf("%w: put %q at version %d", store.ErrConflict, key, expected)
	}
	if err != nil {
		return 0, fmt.Errorf("store/natskv: put %q: %w", key, s.writeFailed(err))
	}
	return store.Version(rev), nil
}

// Expires tells whether the bucket's stream allows per-message TTLs, so
// that Pipeline honors store.Write.TTL.
func (s *Store) Expires() bool { return s.expires }

// seconds rounds ttl up to whole seconds, the server's unit (it would
// truncate).
func seconds(ttl time.Duration) time.Duration { return (ttl + time.Second - 1).Truncate(time.Second) }

// Pipeline publishes writes one after the other without waiting for
// their acknowledgments, then waits for them all: the server stores the
// messages of one connection to one stream in the order it reads them.
// Publishing stops at the first write that cannot be sent.
func (s *Store) Pipeline(ctx context.Context, writes []store.Write) ([]store.Version, []error) {
	versions, errs := make([]store.Version, len(writes)), make([]error, len(writes))
	acks := make([]jetstream.PubAckFuture, len(writes))
	for i, w := range writes {
		if errs[i] = s.checkWrite(ctx, w.Key); errs[i] == nil {
			// No retry: a write sent again could be stored after a later one.
			opts := []jetstream.PublishOpt{jetstream.WithRetryAttempts(0)}
			if !w.Overwrite {
				opts = append(opts, jetstream.WithExpectLastSequencePerSubject(uint64(w.Expected)))
			}
			if w.TTL > 0 {
				opts = append(opts, jetstream.WithMsgTTL(seconds(w.TTL)))
			}
			if acks[i], errs[i] = s.js.PublishAsync(s.subject(w.Key), w.Value, opts...); errs[i] != nil {
				errs[i] = fmt.Errorf("store/natskv: put %q: %w", w.Key, s.writeFailed(errs[i]))
			}
		}
		if errs[i] != nil {
			for j := i + 1; j < len(writes); j++ {
				errs[j] = fmt.Errorf("store/natskv: put %q: not sent: an earlier write failed", writes[j].Key)
			}
			break
		}
	}
	for i, ack := range acks {
		if ack == nil {
			continue
		}
		select {
		case a := <-ack.Ok():
			versions[i] = store.Version(a.Sequence)
			continue
		case err := <-ack.Err():
			errs[i] = err
		case <-ctx.Done():
			errs[i] = ctx.Err()
		}
		w := writes[i]
		switch {
		case isConflict(errs[i]) && w.Expected == 0 && !w.Overwrite:
			// A delete marker may hold the key: create over it.
			versions[i], errs[i] = s.create(ctx, w.Key, w.Value, w.TTL)
		case isConflict(errs[i]):
			errs[i] = fmt.Errorf("%w: put %q at version %d", store.ErrConflict, w.Key, w.Expected)
		default:
			errs[i] = fmt.Errorf("store/natskv: put %q: %w", w.Key, s.writeFailed(errs[i]))
		}
	}
	return versions, errs
}

// subject is the stream subject of key.
func (s *Store) subject(key string) string { return "$KV." + s.bucket + "." + key }

// Delete removes key if it is at revision expected. With expected 0 it
// succeeds when the key is absent and conflicts when it is present.
//
// It writes a delete marker conditioned on expected, then purges the
// marker at the sequence the server acknowledged: two requests, and deleted
// keys do not stay in the stream's subject index (memory would grow with
// every key ever written otherwise). The bucket's stream denies deleting
// a message directly (KV buckets are created with deny_delete, which
// cannot be lifted).
func (s *Store) Delete(ctx context.Context, key string, expected store.Version) error {
	if err := s.checkWrite(ctx, key); err != nil {
		return err
	}
	if expected == 0 {
		_, _, err := s.Get(ctx, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		return fmt.Errorf("%w: delete %q at version 0: key exists", store.ErrConflict, key)
	}
	subject := s.subject(key)
	marker := nats.NewMsg(subject)
	marker.Header.Set("KV-Operation", "DEL")
	ack, err := s.js.PublishMsg(ctx, marker, jetstream.WithExpectLastSequencePerSubject(uint64(expected)))
	if isConflict(err) {
		return fmt.Errorf("%w: delete %q at version %d", store.ErrConflict, key, expected)
	}
	if err != nil {
		return fmt.Errorf("store/natskv: delete %q: %w", key, s.writeFailed(err))
	}
	// Only messages up to the marker are purged: a value created
	// meanwhile is kept. Best effort: a marker left behind is harmless.
	_ = s.stream.Purge(ctx, jetstream.WithPurgeSubject(subject), jetstream.WithPurgeSequence(ack.Sequence+1))
	return nil
}

// Keys returns the sorted keys with prefix after after, at most limit
// (limit <= 0: all). See the package doc for its cost.
func (s *Store) Keys(ctx context.Context, prefix, after string, limit int) ([]string, error) {
	if err := s.check(ctx, prefix+after); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	kl, err := s.kv.ListKeysFiltered(ctx, filter(prefix))
	if err != nil {
		return nil, fmt.Errorf("store/natskv: list keys %q: %w", prefix, err)
	}
	defer func() { _ = kl.Stop() }()
	seen := map[string]struct{}{}
	var keys []string
	for k := range kl.Keys() {
		if _, dup := seen[k]; dup || !strings.HasPrefix(k, prefix) || k <= after {
			continue
		}
		seen[k] = struct{}{}
		keys = append(keys, k)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.Sort(keys)
	if limit > 0 && len(keys) > limit {
		keys = keys[:limit]
	}
	return keys, nil
}

// filter is the KV key filter covering every key with prefix.
func filter(prefix string) string {
	i := strings.LastIndexByte(prefix, '.')
	if i < 0 {
		return ">"
	}
	return prefix[:i+1] + ">"
}

// Close makes later calls return store.ErrClosed. It does not close the
// NATS connection.
func (s *Store) Close() error {
	s.closed.Store(true)
	return nil
}
