package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/dbos-inc/dbos-transact-golang/dbos"
	_ "github.com/dbos-inc/dbos-transact-golang/dbos/driver/sqlite"
	"github.com/jackc/pgx/v5"
)

// DBOS Transact Go (github.com/dbos-inc/dbos-transact-golang): workflows
// started with RunWorkflow run in the starting process, each step is
// checkpointed in the system database (PostgreSQL or SQLite) before the
// next one runs, and GetResult waits on the in-process workflow. There is
// no task queue between the workflow and its steps: this is DBOS's
// default mode, as in its README.

func init() {
	// Each PostgreSQL peer runs in a database of its own, created for the
	// run with its synchronous_commit (ALTER DATABASE: the server's
	// configuration is left alone) and dropped after it.
	peers["dbos/postgres"] = func(ctx context.Context, cfg config) (peer, error) {
		return openDBOSPostgres(ctx, cfg, "on")
	}
	// synchronous_commit=off: a commit returns before its WAL is flushed
	// (the WAL writer flushes within ~3 × wal_writer_delay): it survives a
	// crash of the application, not a power loss; the like-for-like peer
	// of infinitic-go's embedded default.
	peers["dbos/postgres-async"] = func(ctx context.Context, cfg config) (peer, error) {
		return openDBOSPostgres(ctx, cfg, "off")
	}
	peers["dbos/sqlite"] = openDBOSSQLite
}

func dbosStep(in int) dbos.Step[int] {
	return func(context.Context) (int, error) { return in + 1, nil }
}

func dbosSequential(ctx dbos.Context, tasks int) (int, error) {
	v := 0
	for range tasks {
		var err error
		if v, err = dbos.RunAsStep(ctx, dbosStep(v), dbos.WithStepName("step")); err != nil {
			return 0, err
		}
	}
	return v, nil
}

type dbosPeer struct {
	ctx     dbos.Context
	durable string
	cleanup func() error
}

// openDBOSPostgres creates a database dbos_bench_<id> with the given
// synchronous_commit on the server of cfg.postgresURL, runs DBOS in it
// and drops it at close.
func openDBOSPostgres(ctx context.Context, cfg config, syncCommit string) (peer, error) {
	admin, err := pgx.Connect(ctx, cfg.postgresURL)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	defer admin.Close(context.Background())
	db := "dbos_bench_" + randomID()
	for _, q := range []string{
		"CREATE DATABASE " + db,
		"ALTER DATABASE " + db + " SET synchronous_commit = " + syncCommit,
	} {
		if _, err := admin.Exec(ctx, q); err != nil {
			return nil, fmt.Errorf("postgres: %s: %w", q, err)
		}
	}
	drop := func() error {
		conn, err := pgx.Connect(context.Background(), cfg.postgresURL)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db+" WITH (FORCE)")
		return err
	}
	u, err := url.Parse(cfg.postgresURL)
	if err != nil {
		return nil, errors.Join(err, drop())
	}
	u.Path = "/" + db
	durable, err := postgresDurability(ctx, u.String())
	if err != nil {
		return nil, errors.Join(err, drop())
	}
	return startDBOS(ctx, dbos.Config{DatabaseURL: u.String()}, durable, drop)
}

// postgresDurability reads, in a new session of the database at url, the
// settings that decide what a commit survives.
func postgresDurability(ctx context.Context, url string) (string, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return "", fmt.Errorf("postgres: %w", err)
	}
	defer conn.Close(context.Background())
	var fsync, syncCommit string
	if err := conn.QueryRow(ctx, "SELECT current_setting('fsync'), current_setting('synchronous_commit')").Scan(&fsync, &syncCommit); err != nil {
		return "", fmt.Errorf("postgres: %w", err)
	}
	if fsync == "on" && syncCommit != "off" {
		return durablePowerLoss, nil
	}
	return durableProcessCrash, nil
}

func openDBOSSQLite(ctx context.Context, cfg config) (peer, error) {
	dir, cleanup := cfg.dataDir, func() error { return nil }
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "dbos-bench-"); err != nil {
			return nil, err
		}
		cleanup = func() error { return os.RemoveAll(dir) }
	}
	path := filepath.Join(dir, "dbos-"+randomID()+".sqlite")
	if cfg.dataDir != "" {
		cleanup = removeSQLite(path)
	}
	// DBOS opens SQLite in WAL mode with synchronous=NORMAL.
	return startDBOS(ctx, dbos.Config{DatabaseURL: "sqlite:" + path}, durableProcessCrash, cleanup)
}

func startDBOS(ctx context.Context, cfg dbos.Config, durable string, cleanup func() error) (peer, error) {
	cfg.AppName = "infinitic-bench"
	cfg.Logger = logger()
	dctx, err := dbos.NewContext(context.Background(), cfg)
	if err != nil {
		return nil, errors.Join(err, cleanup())
	}
	dbos.RegisterWorkflow(dctx, dbosSequential, dbos.WithWorkflowName("sequential"))
	if err := dbos.Launch(dctx); err != nil {
		return nil, errors.Join(err, dbos.Shutdown(dctx, 5*time.Second), cleanup())
	}
	return &dbosPeer{ctx: dctx, durable: durable, cleanup: cleanup}, nil
}

func (p *dbosPeer) run(ctx context.Context, tasks int) (time.Time, error) {
	h, err := dbos.RunWorkflow(p.ctx, dbosSequential, tasks)
	if err != nil {
		return time.Time{}, err
	}
	got, err := h.GetResult()
	done := time.Now()
	if err != nil {
		return time.Time{}, err
	}
	if got != tasks {
		return time.Time{}, fmt.Errorf("workflow of %d tasks returned %d", tasks, got)
	}
	return done, nil
}

func (p *dbosPeer) durability() string { return p.durable }

func (p *dbosPeer) close() error {
	err := dbos.Shutdown(p.ctx, 10*time.Second)
	return errors.Join(err, p.cleanup())
}
