package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// SchemaVersion returns the schema version recorded in the store's
// T_schema table: 0 before the first migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, s.db, s.n)
}

// LatestSchemaVersion is the schema version Migrate brings the store to.
func (s *Store) LatestSchemaVersion() int { return len(s.d.Migrations(s.n)) }

// Migrate applies the pending schema migrations. It holds a server-side
// lock meanwhile, so concurrent Migrate calls of several processes apply
// each step once. New calls it unless Config.SkipMigrate is set.
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.migrate(ctx); err != nil {
		return fmt.Errorf("%s: migrate %s: %w", s.d.Name, s.n.Raw, err)
	}
	return nil
}

func (s *Store) migrate(ctx context.Context) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	lock := "infinitic_store:" + s.n.Raw
	var one sql.NullInt64
	if err := conn.QueryRowContext(ctx, s.d.bind(s.d.LockSQL), lock).Scan(&one); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	if one.Int64 != 1 {
		return errors.New("lock: not granted (timeout)")
	}
	defer func() {
		// Unlock even when ctx is done; a connection that could not unlock
		// is discarded so that the session, and its lock, ends.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, uerr := conn.ExecContext(uctx, s.d.bind(s.d.UnlockSQL), lock); uerr != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			err = errors.Join(err, fmt.Errorf("unlock: %w", uerr))
		}
	}()
	create := fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (%s INT NOT NULL PRIMARY KEY)", s.n.Schema, s.n.Version)
	if _, err := conn.ExecContext(ctx, create); err != nil {
		return err
	}
	current, err := schemaVersion(ctx, conn, s.n)
	if err != nil {
		return err
	}
	steps := s.d.Migrations(s.n)
	if current > len(steps) {
		return fmt.Errorf("schema version %d is newer than this build's %d", current, len(steps))
	}
	record := s.d.bind(fmt.Sprintf("INSERT INTO %s (%s) VALUES (?)", s.n.Schema, s.n.Version))
	for i := current; i < len(steps); i++ {
		for _, q := range steps[i] {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("step %d: %q: %w", i+1, q, err)
			}
		}
		if _, err := conn.ExecContext(ctx, record, i+1); err != nil {
			return fmt.Errorf("step %d: record: %w", i+1, err)
		}
	}
	return nil
}

// migrateOrCheck migrates, or with skip checks that the schema is at the
// latest version.
func (s *Store) migrateOrCheck(ctx context.Context, skip bool) error {
	if !skip {
		return s.Migrate(ctx)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("%s: schema version of %s: %w", s.d.Name, s.n.Raw, err)
	}
	if latest := s.LatestSchemaVersion(); v != latest {
		return fmt.Errorf("%s: table %s is at schema version %d, want %d: run Migrate", s.d.Name, s.n.Raw, v, latest)
	}
	return nil
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func schemaVersion(ctx context.Context, db queryRower, n Names) (int, error) {
	var v int
	q := fmt.Sprintf("SELECT COALESCE(MAX(%s), 0) FROM %s", n.Version, n.Schema)
	if err := db.QueryRowContext(ctx, q).Scan(&v); err != nil {
		return 0, err
	}
	return v, nil
}
