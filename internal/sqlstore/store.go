package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/infinitic-go/infinitic/store"
)

// Config configures a Store.
type Config struct {
	// Table names the store's table (see ValidateTable). Default
	// DefaultTable.
	Table string
	// SkipMigrate leaves the schema alone at New: it must already be at
	// the latest version (see Store.Migrate).
	SkipMigrate bool
	// OnClose, when set, runs once at Close after the store's statements
	// are closed: it typically closes the *sql.DB and its pool.
	OnClose func() error
}

// Store is a store.Store over database/sql. See the package doc for the
// schema and the compare-and-set statements.
type Store struct {
	db      *sql.DB
	d       *Dialect
	n       Names
	onClose func() error
	closed  atomic.Bool

	get, exists, insert, update, del, keysFrom, keysRange stmt
}

var _ store.Store = (*Store)(nil)

// stmt is one of the store's statements, prepared when the dialect asks.
type stmt struct {
	q string
	p *sql.Stmt
}

// New returns a store on db, applying pending migrations unless
// cfg.SkipMigrate. On error, cfg.OnClose is not called: the caller still
// owns db.
func New(ctx context.Context, db *sql.DB, d *Dialect, cfg Config) (*Store, error) {
	if cfg.Table == "" {
		cfg.Table = DefaultTable
	}
	if err := ValidateTable(cfg.Table); err != nil {
		return nil, fmt.Errorf("%s: %w", d.Name, err)
	}
	n := d.names(cfg.Table)
	s := &Store{db: db, d: d, n: n, onClose: cfg.OnClose}
	if err := s.migrateOrCheck(ctx, cfg.SkipMigrate); err != nil {
		return nil, err
	}
	sel := fmt.Sprintf("SELECT %s FROM %s WHERE %[1]s > ? AND %[1]s >= ?", n.Key, n.Table)
	s.get.q = fmt.Sprintf("SELECT %s, %s FROM %s WHERE %s = ?", n.Value, n.Version, n.Table, n.Key)
	s.exists.q = fmt.Sprintf("SELECT 1 FROM %s WHERE %s = ?", n.Table, n.Key)
	s.insert.q = d.Insert(n)
	s.update.q = fmt.Sprintf("UPDATE %s SET %s = ?, %s = ? WHERE %s = ? AND %[3]s = ?", n.Table, n.Value, n.Version, n.Key)
	s.del.q = fmt.Sprintf("DELETE FROM %s WHERE %s = ? AND %s = ?", n.Table, n.Key, n.Version)
	s.keysFrom.q = sel + fmt.Sprintf(" ORDER BY %s LIMIT ?", n.Key)
	s.keysRange.q = sel + fmt.Sprintf(" AND %s < ? ORDER BY %[1]s LIMIT ?", n.Key)
	for _, st := range s.stmts() {
		st.q = d.bind(st.q)
		if !d.Prepare {
			continue
		}
		p, err := db.PrepareContext(ctx, st.q)
		if err != nil {
			s.closeStmts()
			return nil, fmt.Errorf("%s: prepare %q: %w", d.Name, st.q, err)
		}
		st.p = p
	}
	return s, nil
}

func (s *Store) stmts() []*stmt {
	return []*stmt{&s.get, &s.exists, &s.insert, &s.update, &s.del, &s.keysFrom, &s.keysRange}
}

// Table returns the unquoted name of the store's table.
func (s *Store) Table() string { return s.n.Raw }

// Get returns the value of key and its version, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) ([]byte, store.Version, error) {
	if err := s.check(key); err != nil {
		return nil, 0, err
	}
	var value []byte
	var version int64
	err := s.queryRow(ctx, &s.get, key).Scan(&value, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, store.ErrNotFound
	}
	if err != nil {
		return nil, 0, s.wrap(err)
	}
	if value == nil {
		value = []byte{}
	}
	return value, store.Version(version), nil
}

// Put writes value if key is at version expected (0: absent) and returns
// the new version, or store.ErrConflict.
func (s *Store) Put(ctx context.Context, key string, value []byte, expected store.Version) (store.Version, error) {
	if err := s.check(key); err != nil {
		return 0, err
	}
	if value == nil {
		value = []byte{} // NOT NULL column: nil would bind as NULL
	}
	next, ok := nextInGen(expected)
	if expected == 0 || !ok {
		gen, err := s.d.NextGeneration(ctx, s.db, s.n)
		if err != nil {
			return 0, s.wrap(err)
		}
		if next, err = firstVersion(gen); err != nil {
			return 0, s.wrap(err)
		}
	}
	var res sql.Result
	var err error
	if expected == 0 {
		res, err = s.exec(ctx, &s.insert, key, value, int64(next))
	} else {
		res, err = s.exec(ctx, &s.update, value, int64(next), key, int64(expected))
	}
	if err := s.oneRow(res, err); err != nil {
		return 0, err
	}
	return next, nil
}

// Delete removes key if it is at version expected. With expected 0 it
// succeeds when the key is absent and returns store.ErrConflict otherwise.
func (s *Store) Delete(ctx context.Context, key string, expected store.Version) error {
	if err := s.check(key); err != nil {
		return err
	}
	if expected == 0 {
		var one int
		err := s.queryRow(ctx, &s.exists, key).Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil
		case err != nil:
			return s.wrap(err)
		}
		return store.ErrConflict
	}
	res, err := s.exec(ctx, &s.del, key, int64(expected))
	return s.oneRow(res, err)
}

// Keys returns the keys starting with prefix, after the key after, in
// ascending bytewise order, at most limit of them (limit <= 0: all). It is
// one index range scan: paging costs O(log n + page).
func (s *Store) Keys(ctx context.Context, prefix, after string, limit int) ([]string, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	if err := checkKey("prefix", prefix, true); err != nil {
		return nil, fmt.Errorf("%s: %w", s.d.Name, err)
	}
	if err := checkKey("after", after, true); err != nil {
		return nil, fmt.Errorf("%s: %w", s.d.Name, err)
	}
	n := int64(limit)
	if limit <= 0 {
		n = math.MaxInt64
	}
	var rows *sql.Rows
	var err error
	if prefix == "" {
		rows, err = s.query(ctx, &s.keysFrom, after, prefix, n)
	} else {
		rows, err = s.query(ctx, &s.keysRange, after, prefix, prefixEnd(prefix), n)
	}
	if err != nil {
		return nil, s.wrap(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, s.wrap(err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err)
	}
	return keys, nil
}

// Close closes the store's statements and runs Config.OnClose. Later
// calls return store.ErrClosed. It is idempotent.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	s.closeStmts()
	if s.onClose != nil {
		return s.onClose()
	}
	return nil
}
