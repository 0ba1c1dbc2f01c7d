package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/infinitic-go/infinitic/store"
)

// check rejects calls on a closed store and invalid keys.
func (s *Store) check(key string) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := checkKey("key", key, false); err != nil {
		return fmt.Errorf("%s: %w", s.d.Name, err)
	}
	return nil
}

// wrap names the store in a driver error, or reports ErrClosed when the
// store was closed while the call ran.
func (s *Store) wrap(err error) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	return fmt.Errorf("%s: %w", s.d.Name, err)
}

// oneRow turns the result of a conditional write into nil (one row
// written) or store.ErrConflict (none, or a conflict error).
func (s *Store) oneRow(res sql.Result, err error) error {
	if err != nil {
		if s.d.IsConflict(err) {
			return store.ErrConflict
		}
		return s.wrap(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.wrap(err)
	}
	if n != 1 {
		return store.ErrConflict
	}
	return nil
}

func (s *Store) exec(ctx context.Context, st *stmt, args ...any) (sql.Result, error) {
	if st.p != nil {
		return st.p.ExecContext(ctx, args...)
	}
	return s.db.ExecContext(ctx, st.q, args...)
}

func (s *Store) query(ctx context.Context, st *stmt, args ...any) (*sql.Rows, error) {
	if st.p != nil {
		return st.p.QueryContext(ctx, args...)
	}
	return s.db.QueryContext(ctx, st.q, args...)
}

func (s *Store) queryRow(ctx context.Context, st *stmt, args ...any) *sql.Row {
	if st.p != nil {
		return st.p.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, st.q, args...)
}

func (s *Store) closeStmts() {
	for _, st := range s.stmts() {
		if st.p != nil {
			_ = st.p.Close() // later calls fail and report ErrClosed
		}
	}
}
