package main

import (
	"context"
	"errors"
	"fmt"
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
	peers["dbos/postgres"] = openDBOSPostgres
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
	cleanup func() error
}

func openDBOSPostgres(ctx context.Context, cfg config) (peer, error) {
	schema := "dbos_bench_" + randomID()
	drop := func() error {
		conn, err := pgx.Connect(context.Background(), cfg.postgresURL)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		return err
	}
	return startDBOS(ctx, dbos.Config{DatabaseURL: cfg.postgresURL, DatabaseSchema: schema}, drop)
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
		cleanup = func() error {
			var errs []error
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		}
	}
	return startDBOS(ctx, dbos.Config{DatabaseURL: "sqlite:" + path}, cleanup)
}

func startDBOS(ctx context.Context, cfg dbos.Config, cleanup func() error) (peer, error) {
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
	return &dbosPeer{ctx: dctx, cleanup: cleanup}, nil
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

func (p *dbosPeer) close() error {
	err := dbos.Shutdown(p.ctx, 10*time.Second)
	return errors.Join(err, p.cleanup())
}
