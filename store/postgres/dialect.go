package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/infinitic-go/infinitic/internal/sqlstore"
)

var dialect = sqlstore.Dialect{
	Name:        "store/postgres",
	Quote:       func(id string) string { return `"` + id + `"` },
	Placeholder: func(n int) string { return "$" + strconv.Itoa(n) },
	Migrations: func(n sqlstore.Names) [][]string {
		return [][]string{{ // 1: the table and its generation sequence
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
	%s text COLLATE "C" NOT NULL PRIMARY KEY,
	%s bytea NOT NULL,
	%s bigint NOT NULL)`, n.Table, n.Key, n.Value, n.Version),
			fmt.Sprintf("CREATE SEQUENCE IF NOT EXISTS %s AS bigint", n.Gen),
		}}
	},
	Insert: func(n sqlstore.Names) string {
		return fmt.Sprintf("INSERT INTO %s (%s, %s, %s) VALUES (?, ?, ?) ON CONFLICT (%[2]s) DO NOTHING",
			n.Table, n.Key, n.Value, n.Version)
	},
	NextGeneration: func(ctx context.Context, db *sql.DB, n sqlstore.Names) (uint64, error) {
		var gen int64
		// n.Gen is a validated, quoted identifier: safe inside the literal.
		err := db.QueryRowContext(ctx, "SELECT nextval('"+n.Gen+"')").Scan(&gen)
		return uint64(gen), err
	},
	IsConflict: func(err error) bool {
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			return false
		}
		switch pe.Code {
		case "23505", // unique_violation
			"40001", // serialization_failure (SERIALIZABLE default isolation)
			"40P01": // deadlock_detected
			return true
		}
		return false
	},
	LockSQL:   "SELECT 1 FROM pg_advisory_lock(hashtext(?))",
	UnlockSQL: "SELECT pg_advisory_unlock(hashtext(?))",
}
