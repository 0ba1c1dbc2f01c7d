package postgres_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/goleak"

	"github.com/infinitic-go/infinitic/internal/sqlstore/sqltest"
	"github.com/infinitic-go/infinitic/internal/testserver"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/store/postgres"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serverURL is INFINITIC_POSTGRES_URL, by default the local test server.
func serverURL() string {
	if u := os.Getenv("INFINITIC_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// admin connects to the server (see testserver.Unreachable).
func admin(t testing.TB) *pgxpool.Pool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, serverURL())
	if err == nil {
		if err = pool.Ping(ctx); err != nil {
			pool.Close()
		}
	}
	if err != nil {
		testserver.Unreachable(t, "PostgreSQL at "+serverURL(), err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func backend(pool *pgxpool.Pool) sqltest.Backend {
	return sqltest.Backend{
		Open: func(ctx context.Context, table string, skip bool) (sqltest.Store, error) {
			s, err := postgres.New(ctx, postgres.Config{URL: serverURL(), Table: table, SkipMigrate: skip})
			if err != nil {
				return nil, err
			}
			return s, nil
		},
		Drop: func(ctx context.Context, table string) error {
			_, err := pool.Exec(ctx, fmt.Sprintf(`DROP TABLE IF EXISTS %q, %q; DROP SEQUENCE IF EXISTS %q`,
				table, table+"_schema", table+"_gen"))
			return err
		},
		SetVersion: func(ctx context.Context, table, key string, v store.Version) error {
			_, err := pool.Exec(ctx, fmt.Sprintf(`UPDATE %q SET version = $1 WHERE key = $2`, table), int64(v), key)
			return err
		},
	}
}

func TestPostgres(t *testing.T) {
	sqltest.Run(t, backend(admin(t)))
}

// TestSharedPool checks a store on a caller's pool leaves it open.
func TestSharedPool(t *testing.T) {
	pool := admin(t)
	b := backend(pool)
	ctx := context.Background()
	s, err := postgres.New(ctx, postgres.Config{Pool: pool, Table: sqltest.Table(t, b)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "k", []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := pool.Ping(ctx); err != nil {
		t.Errorf("caller's pool closed by Store.Close: %v", err)
	}
}

func BenchmarkPostgres(b *testing.B) { sqltest.Bench(b, backend(admin(b))) }
