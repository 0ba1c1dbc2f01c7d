package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/cschleiden/go-workflows/backend"
	"github.com/cschleiden/go-workflows/backend/history"
	"github.com/cschleiden/go-workflows/backend/monoprocess"
	gwredis "github.com/cschleiden/go-workflows/backend/redis"
	"github.com/cschleiden/go-workflows/backend/sqlite"
	"github.com/cschleiden/go-workflows/client"
	"github.com/cschleiden/go-workflows/worker"
	"github.com/cschleiden/go-workflows/workflow"
	"github.com/redis/go-redis/v9"
)

// go-workflows (github.com/cschleiden/go-workflows): one worker running
// the workflow and the activity, one client, as in the project's own
// bench (bench/main.go): SQLite wrapped in the monoprocess
// backend (in-process wake-ups instead of polling), Redis with polling
// intervals of 0 (blocking reads). The executor cache holds 4096
// instances, like infinitic-go's engine.

func init() {
	peers["go-workflows/sqlite"] = func(ctx context.Context, cfg config) (peer, error) {
		return openSQLite(cfg, "", durablePowerLoss)
	}
	// synchronous=NORMAL: the WAL is not fsynced at each commit; a commit
	// survives a crash of the process, not of the machine: the durability
	// of infinitic-go's embedded default (JetStream without SyncAlways).
	peers["go-workflows/sqlite-nosync"] = func(ctx context.Context, cfg config) (peer, error) {
		return openSQLite(cfg, "?_pragma=synchronous(NORMAL)", durableProcessCrash)
	}
	// On the Redis server of -redis-addr, whatever its persistence (the
	// report says which).
	peers["go-workflows/redis"] = func(ctx context.Context, cfg config) (peer, error) {
		return openGWRedis(ctx, cfg.redisAddr, cfg.redisDB, "")
	}
	// On the Redis server of -redis-fsync-addr, which must have
	// appendonly yes and appendfsync always (bench/run.sh starts one).
	peers["go-workflows/redis-fsync"] = func(ctx context.Context, cfg config) (peer, error) {
		return openGWRedis(ctx, cfg.redisFsyncAddr, cfg.redisDB, durablePowerLoss)
	}
	// No go-workflows/mysql: its MySQL backend needs MySQL 8 ("FOR UPDATE
	// OF ... SKIP LOCKED"); MariaDB 10.11 rejects it.
}

// BenchStep is the trivial activity.
func BenchStep(_ context.Context, in int) (int, error) { return in + 1, nil }

// BenchSequential runs tasks activities one after the other.
func BenchSequential(ctx workflow.Context, tasks int) (int, error) {
	v := 0
	for range tasks {
		var err error
		if v, err = workflow.ExecuteActivity[int](ctx, workflow.DefaultActivityOptions, BenchStep, v).Get(ctx); err != nil {
			return 0, err
		}
	}
	return v, nil
}

type goWorkflows struct {
	durable string
	b       backend.Backend
	c       *client.Client
	w       *worker.Worker
	stop    context.CancelFunc
	cleanup func() error
}

func backendOptions() []backend.BackendOption {
	return []backend.BackendOption{backend.WithLogger(logger())}
}

// logger discards, unless PEERS_DEBUG is set: then warnings go to stderr.
func logger() *slog.Logger {
	if os.Getenv("PEERS_DEBUG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func openSQLite(cfg config, pragmas, durable string) (peer, error) {
	dir, cleanup := cfg.dataDir, func() error { return nil }
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "gw-bench-"); err != nil {
			return nil, err
		}
		cleanup = func() error { return os.RemoveAll(dir) }
	}
	path := filepath.Join(dir, "gw-"+randomID()+".sqlite")
	if cfg.dataDir != "" {
		cleanup = removeSQLite(path)
	}
	b := monoprocess.NewMonoprocessBackend(sqlite.NewSqliteBackend(path+pragmas, sqlite.WithBackendOptions(backendOptions()...)))
	return startGW(b, false, durable, cleanup)
}

// removeSQLite removes the database at path and its WAL files.
func removeSQLite(path string) func() error {
	return func() error {
		var errs []error
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
}

// openGWRedis runs go-workflows on the Redis server at addr. want, if
// set, is the durability the server must offer (it is checked).
func openGWRedis(ctx context.Context, addr string, db int, want string) (peer, error) {
	rc := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs: []string{addr}, DB: db,
		WriteTimeout: 30 * time.Second, ReadTimeout: 30 * time.Second,
	})
	durable, err := redisDurability(ctx, rc)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("redis %s: %w", addr, err), rc.Close())
	}
	if want != "" && durable != want {
		return nil, errors.Join(fmt.Errorf("redis %s: its persistence gives %q, want %q (appendonly yes, appendfsync always)", addr, durable, want), rc.Close())
	}
	prefix := "gwbench-" + randomID()
	b, err := gwredis.NewRedisBackend(rc, gwredis.WithKeyPrefix(prefix), gwredis.WithBackendOptions(backendOptions()...))
	if err != nil {
		return nil, err
	}
	cleanup := func() error {
		// Delete the run's keys, leaving the rest of the server alone (with
		// a client of its own: closing the backend closed rc).
		rc := redis.NewClient(&redis.Options{Addr: addr, DB: db})
		dctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		iter := rc.Scan(dctx, 0, prefix+"*", 1000).Iterator()
		var keys []string
		for iter.Next(dctx) {
			if keys = append(keys, iter.Val()); len(keys) == 1000 {
				if err := rc.Unlink(dctx, keys...).Err(); err != nil {
					return err
				}
				keys = keys[:0]
			}
		}
		if len(keys) > 0 {
			if err := rc.Unlink(dctx, keys...).Err(); err != nil {
				return err
			}
		}
		return errors.Join(iter.Err(), rc.Close())
	}
	return startGW(b, true, durable, cleanup)
}

// redisDurability reads the server's persistence settings: with the
// append-only file fsynced before each reply a write survives a power
// loss; written to the OS at least (appendfsync everysec or no), a crash
// of the server; with snapshots only or nothing, neither.
func redisDurability(ctx context.Context, rc redis.UniversalClient) (string, error) {
	conf, err := rc.ConfigGet(ctx, "append*").Result()
	if err != nil {
		return "", err
	}
	switch {
	case conf["appendonly"] != "yes":
		return durableNone, nil
	case conf["appendfsync"] == "always":
		return durablePowerLoss, nil
	default:
		return durableProcessCrash, nil
	}
}

func startGW(b backend.Backend, blocking bool, durable string, cleanup func() error) (peer, error) {
	wo := worker.DefaultOptions
	wo.WorkflowExecutorCacheSize = 4096
	if blocking {
		wo.ActivityPollingInterval = 0
		wo.WorkflowPollingInterval = 0
	}
	w := worker.New(b, &wo)
	if err := w.RegisterWorkflow(BenchSequential); err != nil {
		return nil, errors.Join(err, b.Close(), cleanup())
	}
	if err := w.RegisterActivity(BenchStep); err != nil {
		return nil, errors.Join(err, b.Close(), cleanup())
	}
	ctx, stop := context.WithCancel(context.Background())
	if err := w.Start(ctx); err != nil {
		stop()
		return nil, errors.Join(err, b.Close(), cleanup())
	}
	return &goWorkflows{durable: durable, b: b, c: client.New(b), w: w, stop: stop, cleanup: cleanup}, nil
}

// run waits with the client's API (WaitForWorkflowInstance polls the
// instance state with a backoff from 1ms to 1s), then reads the history
// as GetWorkflowResult does, and takes the completion time from the
// history's completion event rather than from the poll that saw it.
func (g *goWorkflows) run(ctx context.Context, tasks int) (time.Time, error) {
	inst, err := g.c.CreateWorkflowInstance(ctx, client.WorkflowInstanceOptions{InstanceID: randomID() + randomID()}, BenchSequential, tasks)
	if err != nil {
		return time.Time{}, err
	}
	if err := g.c.WaitForWorkflowInstance(ctx, inst, 10*time.Minute); err != nil {
		return time.Time{}, err
	}
	h, err := g.b.GetWorkflowInstanceHistory(ctx, inst, nil)
	if err != nil {
		return time.Time{}, err
	}
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Type != history.EventType_WorkflowExecutionFinished {
			continue
		}
		a := h[i].Attributes.(*history.ExecutionCompletedAttributes)
		if a.Error != nil {
			return time.Time{}, fmt.Errorf("workflow %s failed: %s", inst.InstanceID, a.Error.Message)
		}
		var got int
		if err := g.b.Options().Converter.From(a.Result, &got); err != nil {
			return time.Time{}, err
		}
		if got != tasks {
			return time.Time{}, fmt.Errorf("workflow of %d tasks returned %d", tasks, got)
		}
		return h[i].Timestamp, nil
	}
	return time.Time{}, fmt.Errorf("workflow %s finished without a completion event", inst.InstanceID)
}

func (g *goWorkflows) durability() string { return g.durable }

func (g *goWorkflows) close() error {
	g.stop()
	err := g.w.WaitForCompletion()
	return errors.Join(err, g.b.Close(), g.cleanup())
}

func randomID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
