package sqlstore

import (
	"context"
	"database/sql"
	"strings"
)

// Dialect is what differs between SQL servers. Each SQL store package
// defines one.
type Dialect struct {
	// Name prefixes error messages, e.g. "store/postgres".
	Name string
	// Quote returns the quoted form of an identifier (already validated:
	// [a-z_][a-z0-9_]*).
	Quote func(ident string) string
	// Placeholder returns the n-th (1-based) bind parameter: "$1" or "?".
	Placeholder func(n int) string
	// Migrations returns the schema steps, in order; step i (0-based) is
	// schema version i+1 and may hold several statements.
	Migrations func(n Names) [][]string
	// Insert returns the statement inserting (key, value, version), bound
	// to parameters 1 to 3, that inserts nothing, or fails with an error
	// for which IsConflict is true, when the key exists.
	Insert func(n Names) string
	// NextGeneration increments the generation counter n.Gen and returns
	// its new value; it runs outside any transaction and never rolls back.
	NextGeneration func(ctx context.Context, db *sql.DB, n Names) (uint64, error)
	// IsConflict reports whether a driver error means that a concurrent
	// writer won (duplicate key, deadlock victim): the statement changed
	// nothing and the caller should reload.
	IsConflict func(err error) bool
	// LockSQL takes a session-level lock named by parameter 1 and returns
	// one row holding 1; UnlockSQL releases it.
	LockSQL, UnlockSQL string
	// Prepare makes the store prepare its statements once per connection
	// (database/sql *Stmt). Leave it false when the driver caches prepared
	// statements itself (pgx).
	Prepare bool
}

// Names are the quoted names of a store's tables.
type Names struct {
	// Table holds the keys; Gen is the generation counter; Schema records
	// the applied migrations.
	Table, Gen, Schema string
	// Key, Value and Version are the quoted column names.
	Key, Value, Version string
	// Raw is the unquoted table name, as configured.
	Raw string
}

func (d *Dialect) names(table string) Names {
	return Names{
		Table:   d.Quote(table),
		Gen:     d.Quote(table + "_gen"),
		Schema:  d.Quote(table + "_schema"),
		Key:     d.Quote("key"),
		Value:   d.Quote("value"),
		Version: d.Quote("version"),
		Raw:     table,
	}
}

// bind replaces each '?' of q, in order, with the dialect's placeholder.
func (d *Dialect) bind(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString(d.Placeholder(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
