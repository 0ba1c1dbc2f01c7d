package redis

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync/atomic"

	goredis "github.com/redis/go-redis/v9"

	"github.com/infinitic-go/infinitic/store"
)

// DefaultPrefix is the key prefix used when Config.Prefix is empty.
const DefaultPrefix = "infinitic"

// DefaultAddr is the server address used when Config.Addr is empty.
const DefaultAddr = "127.0.0.1:6379"

var prefixRE = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)

// Config configures a Store. The zero value uses the server at
// DefaultAddr and the prefix DefaultPrefix.
type Config struct {
	// Addr is the server's host:port. Default DefaultAddr
	// ("127.0.0.1:6379"). Ignored when Client is set.
	Addr string
	// Username and Password authenticate (ACL or requirepass). Default
	// none. Ignored when Client is set.
	Username, Password string
	// DB is the database number. Default 0. Ignored when Client is set.
	DB int
	// Client, when set, is used instead of a client built from the fields
	// above (for TLS, Sentinel, Cluster or pool settings). The store does
	// not own it: Close leaves it open. Default nil.
	Client goredis.UniversalClient
	// Prefix namespaces the store's Redis keys: letters, digits and
	// "_.:-", at most 64 bytes. Stores with different prefixes are
	// independent. Default DefaultPrefix ("infinitic").
	Prefix string
}

// Store is a store.Store on Redis. Create it with New.
type Store struct {
	c      goredis.UniversalClient
	owned  bool
	closed atomic.Bool
	data   string // prefix of the value hashes: "{P}:k:"
	index  string // "{P}:keys"
	ver    string // "{P}:ver"
}

var _ store.Store = (*Store)(nil)

// New connects to Redis (a PING checks it is there) and returns the
// store. Nothing is created until the first Put.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if !prefixRE.MatchString(cfg.Prefix) {
		return nil, fmt.Errorf("store/redis: invalid prefix %q: want [A-Za-z0-9_.:-], 1 to 64 bytes", cfg.Prefix)
	}
	c, owned := cfg.Client, false
	if c == nil {
		if cfg.Addr == "" {
			cfg.Addr = DefaultAddr
		}
		c = goredis.NewClient(&goredis.Options{
			Addr:     cfg.Addr,
			Username: cfg.Username,
			Password: cfg.Password,
			DB:       cfg.DB,
		})
		owned = true
	}
	if err := c.Ping(ctx).Err(); err != nil {
		if owned {
			_ = c.Close()
		}
		return nil, fmt.Errorf("store/redis: %w", err)
	}
	tag := "{" + cfg.Prefix + "}"
	return &Store{c: c, owned: owned, data: tag + ":k:", index: tag + ":keys", ver: tag + ":ver"}, nil
}

// Close closes the client (unless it came from Config.Client). Later
// calls return store.ErrClosed. It is idempotent.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) || !s.owned {
		return nil
	}
	return s.c.Close()
}

// wrap names the store in an error, or reports store.ErrClosed when the
// store or its client was closed.
func (s *Store) wrap(err error) error {
	if s.closed.Load() || errors.Is(err, goredis.ErrClosed) {
		return store.ErrClosed
	}
	return fmt.Errorf("store/redis: %w", err)
}
