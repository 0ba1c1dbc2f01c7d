package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	driver "github.com/go-sql-driver/mysql"

	"github.com/infinitic-go/infinitic/internal/sqlstore"
)

var dialect = sqlstore.Dialect{
	Name:        "store/mysql",
	Quote:       func(id string) string { return "`" + id + "`" },
	Placeholder: func(int) string { return "?" },
	Migrations: func(n sqlstore.Names) [][]string {
		return [][]string{{ // 1: the table and its generation counter
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
	%s VARBINARY(%d) NOT NULL PRIMARY KEY,
	%s LONGBLOB NOT NULL,
	%s BIGINT NOT NULL) ENGINE=InnoDB`, n.Table, n.Key, sqlstore.MaxKeyLen, n.Value, n.Version),
			fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (`id` TINYINT NOT NULL PRIMARY KEY, `n` BIGINT NOT NULL) ENGINE=InnoDB", n.Gen),
			fmt.Sprintf("INSERT IGNORE INTO %s (`id`, `n`) VALUES (1, 0)", n.Gen),
		}}
	},
	Insert: func(n sqlstore.Names) string {
		return fmt.Sprintf("INSERT INTO %s (%s, %s, %s) VALUES (?, ?, ?)", n.Table, n.Key, n.Value, n.Version)
	},
	NextGeneration: func(ctx context.Context, db *sql.DB, n sqlstore.Names) (uint64, error) {
		// LAST_INSERT_ID(expr) hands the new value back in the OK packet:
		// one round trip, no transaction.
		res, err := db.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET `n` = LAST_INSERT_ID(`n` + 1) WHERE `id` = 1", n.Gen))
		if err != nil {
			return 0, err
		}
		rows, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("generation counter %s: %w", n.Gen, err)
		}
		if rows != 1 {
			return 0, fmt.Errorf("generation counter %s: %d rows updated: run Migrate", n.Gen, rows)
		}
		gen, err := res.LastInsertId()
		return uint64(gen), err
	},
	IsConflict: func(err error) bool {
		var me *driver.MySQLError
		return errors.As(err, &me) && (me.Number == 1062 || me.Number == 1213) // duplicate key, deadlock
	},
	LockSQL:   "SELECT GET_LOCK(?, 60)",
	UnlockSQL: "SELECT RELEASE_LOCK(?)",
	Prepare:   true,
}
