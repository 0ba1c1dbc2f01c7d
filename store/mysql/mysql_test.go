package mysql_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"
	"time"

	driver "github.com/go-sql-driver/mysql"
	"go.uber.org/goleak"

	"github.com/infinitic-go/infinitic/internal/sqlstore/sqltest"
	"github.com/infinitic-go/infinitic/internal/testserver"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/store/mysql"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serverDSN is INFINITIC_MYSQL_DSN, by default the local test server.
func serverDSN() string {
	if d := os.Getenv("INFINITIC_MYSQL_DSN"); d != "" {
		return d
	}
	return "root@tcp(127.0.0.1:3306)/test"
}

// admin connects to the server (see testserver.Unreachable).
func admin(t testing.TB) *sql.DB {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var db *sql.DB
	dc, err := driver.ParseDSN(serverDSN())
	if err == nil {
		dc.Timeout = 5 * time.Second
		db, err = sql.Open("mysql", dc.FormatDSN())
	}
	if err == nil {
		if err = db.PingContext(ctx); err != nil {
			db.Close()
		}
	}
	if err != nil {
		testserver.Unreachable(t, "MySQL/MariaDB at "+serverDSN(), err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func backend(db *sql.DB) sqltest.Backend {
	return sqltest.Backend{
		Open: func(ctx context.Context, table string, skip bool) (sqltest.Store, error) {
			s, err := mysql.New(ctx, mysql.Config{DSN: serverDSN(), Table: table, SkipMigrate: skip})
			if err != nil {
				return nil, err
			}
			return s, nil
		},
		Drop: func(ctx context.Context, table string) error {
			_, err := db.ExecContext(ctx, fmt.Sprintf("DROP TABLE IF EXISTS `%s`, `%[1]s_gen`, `%[1]s_schema`", table))
			return err
		},
		SetVersion: func(ctx context.Context, table, key string, v store.Version) error {
			_, err := db.ExecContext(ctx, fmt.Sprintf("UPDATE `%s` SET `version` = ? WHERE `key` = ?", table), int64(v), key)
			return err
		},
	}
}

func TestMySQL(t *testing.T) {
	sqltest.Run(t, backend(admin(t)))
}

// TestSharedDB checks a store on a caller's *sql.DB leaves it open.
func TestSharedDB(t *testing.T) {
	db := admin(t)
	ctx := context.Background()
	s, err := mysql.New(ctx, mysql.Config{DB: db, Table: sqltest.Table(t, backend(db))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "k", []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.PingContext(ctx); err != nil {
		t.Errorf("caller's DB closed by Store.Close: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	ctx := context.Background()
	for _, cfg := range []mysql.Config{{}, {DSN: "::not a dsn"}, {DSN: serverDSN(), MaxOpenConns: -1}} {
		if s, err := mysql.New(ctx, cfg); err == nil {
			s.Close()
			t.Errorf("New(%+v): no error", cfg)
		}
	}
}

func BenchmarkMySQL(b *testing.B) { sqltest.Bench(b, backend(admin(b))) }
