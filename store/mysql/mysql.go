package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	driver "github.com/go-sql-driver/mysql"

	"github.com/infinitic-go/infinitic/internal/sqlstore"
	"github.com/infinitic-go/infinitic/store"
)

// DefaultTable is the table used when Config.Table is empty.
const DefaultTable = sqlstore.DefaultTable

// DefaultMaxOpenConns is the pool size used when Config.MaxOpenConns is 0.
const DefaultMaxOpenConns = 16

// Config configures a Store. DSN (or DB) is required.
type Config struct {
	// DSN is the go-sql-driver/mysql data source name, e.g.
	// "user:password@tcp(127.0.0.1:3306)/dbname". Ignored when DB is set.
	DSN string
	// DB, when set, is used instead of a pool opened from DSN; it must use
	// the go-sql-driver/mysql driver. The store does not own it: Close
	// leaves it open. Default nil.
	DB *sql.DB
	// Table names the store's table; its companions are Table+"_gen" and
	// Table+"_schema". Lower-case letters, digits and '_', at most 48
	// bytes. Default DefaultTable ("infinitic_store").
	Table string
	// SkipMigrate leaves the schema alone at New, which then fails unless
	// the schema is at the latest version. Default false: New migrates.
	SkipMigrate bool
	// MaxOpenConns bounds the connections of the pool opened from DSN (all
	// of them are kept idle, with their prepared statements).
	// Default DefaultMaxOpenConns (16).
	MaxOpenConns int
	// ConnMaxLifetime closes pooled connections after this long, to stay
	// below the server's wait_timeout. Default 3 minutes.
	ConnMaxLifetime time.Duration
}

// Store is a store.Store on a MySQL/MariaDB table. Create it with New.
type Store struct {
	s *sqlstore.Store
}

var _ store.Store = (*Store)(nil)

// New connects to the server, migrates the schema (unless
// cfg.SkipMigrate) and returns the store.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.MaxOpenConns < 0 || cfg.ConnMaxLifetime < 0 {
		return nil, errors.New("store/mysql: MaxOpenConns and ConnMaxLifetime must not be negative")
	}
	db, owned := cfg.DB, false
	if db == nil {
		if cfg.DSN == "" {
			return nil, errors.New("store/mysql: Config.DSN or Config.DB is required")
		}
		dc, err := driver.ParseDSN(cfg.DSN)
		if err != nil {
			return nil, fmt.Errorf("store/mysql: %w", err)
		}
		conn, err := driver.NewConnector(dc)
		if err != nil {
			return nil, fmt.Errorf("store/mysql: %w", err)
		}
		db, owned = sql.OpenDB(conn), true
		n := cmp(cfg.MaxOpenConns, DefaultMaxOpenConns)
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		db.SetConnMaxLifetime(cmp(cfg.ConnMaxLifetime, 3*time.Minute))
	}
	closeDB := func() error {
		if owned {
			return db.Close()
		}
		return nil
	}
	s, err := sqlstore.New(ctx, db, &dialect, sqlstore.Config{
		Table:       cfg.Table,
		SkipMigrate: cfg.SkipMigrate,
		OnClose:     closeDB,
	})
	if err != nil {
		return nil, errors.Join(err, closeDB())
	}
	return &Store{s: s}, nil
}

// cmp returns v, or def when v is zero.
func cmp[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
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

// Close closes the store's prepared statements and its pool (unless it
// came from Config.DB). Later calls return store.ErrClosed. It is
// idempotent.
func (s *Store) Close() error { return s.s.Close() }
