package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/infinitic-go/infinitic/internal/sqlstore"
	"github.com/infinitic-go/infinitic/store"
)

// DefaultTable is the table used when Config.Table is empty.
const DefaultTable = sqlstore.DefaultTable

// Config configures a Store. The zero value connects with libpq's
// defaults and uses table DefaultTable.
type Config struct {
	// URL is the connection string, a URL or a key=value DSN, as read by
	// pgxpool.ParseConfig (pool_max_conns and the other pool_ settings
	// included), e.g. "postgres://user@host:5432/db?sslmode=disable".
	// Default "": libpq's defaults and the PG* environment variables
	// (PGHOST, PGUSER, PGDATABASE...). Ignored when Pool is set.
	URL string
	// Pool, when set, is used instead of a pool opened from URL. The store
	// does not own it: Close leaves it open. Default nil.
	Pool *pgxpool.Pool
	// Table names the store's table; its companions are Table+"_gen" and
	// Table+"_schema". Lower-case letters, digits and '_', at most 48
	// bytes. Use a different table per store sharing a database.
	// Default DefaultTable ("infinitic_store").
	Table string
	// SkipMigrate leaves the schema alone at New, which then fails unless
	// the schema is at the latest version. Default false: New migrates.
	SkipMigrate bool
}

// Store is a store.Store on a PostgreSQL table. Create it with New.
type Store struct {
	s *sqlstore.Store
}

var _ store.Store = (*Store)(nil)

// New connects to PostgreSQL, migrates the schema (unless
// cfg.SkipMigrate) and returns the store.
func New(ctx context.Context, cfg Config) (*Store, error) {
	pool, owned := cfg.Pool, false
	if pool == nil {
		pc, err := pgxpool.ParseConfig(cfg.URL)
		if err != nil {
			return nil, fmt.Errorf("store/postgres: %w", err)
		}
		if pool, err = pgxpool.NewWithConfig(ctx, pc); err != nil {
			return nil, fmt.Errorf("store/postgres: %w", err)
		}
		owned = true
	}
	db := stdlib.OpenDBFromPool(pool)
	closeAll := func() error {
		err := db.Close()
		if owned {
			pool.Close()
		}
		return err
	}
	s, err := sqlstore.New(ctx, db, &dialect, sqlstore.Config{
		Table:       cfg.Table,
		SkipMigrate: cfg.SkipMigrate,
		OnClose:     closeAll,
	})
	if err != nil {
		return nil, errors.Join(err, closeAll())
	}
	return &Store{s: s}, nil
}

// Get returns the value of key and its version, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) ([]byte, store.Version, error) {
	return s.s.Get(ctx, key)
}

// Put writes value if key is at version expected (0: the key must be
// absent) and returns the new version, or store.ErrConflict when another
// writer got there first.
func (s *Store) Put(ctx context.Context, key string, value []byte, expected store.Version) (store.Version, error) {
	return s.s.Put(ctx, key, value, expected)
}

// Delete removes key if it is at version expected, or returns
// store.ErrConflict. Deleting an absent key with expected 0 succeeds.
func (s *Store) Delete(ctx context.Context, key string, expected store.Version) error {
	return s.s.Delete(ctx, key, expected)
}

// Keys returns at most limit keys (limit <= 0: all) starting with prefix
// and greater than after, in ascending bytewise order, from one range
// scan of the primary key.
func (s *Store) Keys(ctx context.Context, prefix, after string, limit int) ([]string, error) {
	return s.s.Keys(ctx, prefix, after, limit)
}

// Migrate applies pending schema migrations (New does it unless
// Config.SkipMigrate). It is safe to run from several processes at once.
func (s *Store) Migrate(ctx context.Context) error { return s.s.Migrate(ctx) }

// SchemaVersion returns the table's applied schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) { return s.s.SchemaVersion(ctx) }

// Close releases the store's connections (the pool, unless it came from
// Config.Pool). Later calls return store.ErrClosed. It is idempotent.
func (s *Store) Close() error { return s.s.Close() }
