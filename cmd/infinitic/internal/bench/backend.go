package bench

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	goredis "github.com/redis/go-redis/v9"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/store/mysql"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/store/postgres"
	redisstore "github.com/infinitic-go/infinitic/store/redis"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

// Stack is an opened backend: where messages and workflow state live.
type Stack struct {
	Transport transport.Transport
	Store     store.Store
	// Close releases the transport, the store and whatever they run on
	// (connections, an embedded server, temporary data). Run calls it
	// once the worker and the client are stopped.
	Close func() error
}

// Backend opens a fresh Stack for one run. Name is printed in the report
// ("backend: ..."), so keep it stable between versions.
type Backend struct {
	Name string
	Open func(ctx context.Context) (*Stack, error)
}

// StoreOpener opens a store for one run, for a backend whose store is not
// its default one (SQL and Redis stores, with NATS as the transport).
// closeStore releases the store and any data created for the run.
type StoreOpener func(ctx context.Context) (st store.Store, closeStore func() error, err error)

// Memory is the in-process backend: transport/memory and store/memory.
// Nothing is durable; it measures the engine alone.
func Memory() Backend {
	return Backend{Name: "memory", Open: func(context.Context) (*Stack, error) {
		tr, st := memory.New(), memstore.New()
		return &Stack{Transport: tr, Store: st, Close: func() error { return errors.Join(st.Close(), tr.Close()) }}, nil
	}}
}

// EmbeddedConfig configures the Embedded backend. The zero value is the
// default deployment: an in-process NATS JetStream server (file storage,
// no fsync per write) in a temporary directory, JetStream KV as the store.
type EmbeddedConfig struct {
	// DataDir is the JetStream directory. Default "": a temporary
	// directory, removed at Close. A given directory is kept.
	DataDir string
	// Durability is the server's (see embedded.Config.Durability):
	// DurabilityPowerLoss names the backend "embedded(sync)".
	Durability embedded.Durability
	// SyncAlways fsyncs every write on its own (see
	// embedded.Config.SyncAlways): "embedded(sync-always)".
	SyncAlways bool
	// Store replaces the JetStream KV store. StoreName is then appended
	// to the backend name ("embedded+postgres").
	Store     StoreOpener
	StoreName string
	// OneConnection shares one in-process connection between the
	// transport and the store. Default false: one connection each.
	OneConnection bool
}

// Embedded is the default backend of infinitic-go: an embedded NATS
// JetStream server, transport/natsjs and store/natskv.
func Embedded(cfg EmbeddedConfig) Backend {
	name := "embedded"
	switch {
	case cfg.SyncAlways:
		name += "(sync-always)"
	case cfg.Durability == embedded.DurabilityPowerLoss:
		name += "(sync)"
	}
	if cfg.Store != nil {
		name += "+" + storeName(cfg.StoreName)
	}
	return Backend{Name: name, Open: func(ctx context.Context) (_ *Stack, err error) {
		dir, removeDir := cfg.DataDir, func() error { return nil }
		if dir == "" {
			if dir, err = os.MkdirTemp("", "infinitic-bench-"); err != nil {
				return nil, fmt.Errorf("bench: %w", err)
			}
			removeDir = func() error { return os.RemoveAll(dir) }
		}
		srv, err := embedded.Start(embedded.Config{DataDir: dir, Durability: cfg.Durability, SyncAlways: cfg.SyncAlways,
			ServerName: "infinitic-bench"})
		if err != nil {
			return nil, errors.Join(err, removeDir())
		}
		stopServer := func() error { srv.Shutdown(); return removeDir() }
		connect := func() (*nats.Conn, error) { return srv.Connect() }
		if cfg.OneConnection {
			var nc *nats.Conn
			if nc, err = srv.Connect(); err != nil {
				return nil, errors.Join(err, stopServer())
			}
			defer func() {
				if err != nil {
					nc.Close()
				}
			}()
			connect = func() (*nats.Conn, error) { return nc, nil }
		}
		s, err := openNATS(ctx, connect, natsjs.Config{}, natskv.Config{}, cfg.Store)
		if err != nil {
			return nil, errors.Join(err, stopServer())
		}
		closeStack := s.Close
		s.Close = func() error { return errors.Join(closeStack(), stopServer()) }
		return s, nil
	}}
}

// NATSConfig configures the NATS backend.
type NATSConfig struct {
	// URL of the NATS server or cluster, e.g. "nats://127.0.0.1:4222".
	URL string
	// Replicas of the run's streams and bucket (1, 3 or 5). Default 1.
	Replicas int
	// RunID names the run's streams, subjects and bucket, so that
	// several processes (a client, workers: see RunWorker) share them;
	// they are then left on the server at Close (they go with its data).
	// Default "": a random id, and they are deleted at Close.
	RunID string
	// Store replaces the JetStream KV store, as in EmbeddedConfig.
	Store     StoreOpener
	StoreName string
}

// NATS runs on an external NATS server with JetStream. Each run uses its
// own streams, subject prefix and KV bucket, deleted at Close unless
// RunID names them, so runs do not see each other's messages.
func NATS(cfg NATSConfig) Backend {
	name := "nats"
	if cfg.Store != nil {
		name += "+" + storeName(cfg.StoreName)
	}
	return Backend{Name: name, Open: func(ctx context.Context) (*Stack, error) {
		connect := func() (*nats.Conn, error) {
			nc, err := nats.Connect(cfg.URL, nats.Name("infinitic-bench"))
			if err != nil {
				return nil, fmt.Errorf("bench: connect to %s: %w", cfg.URL, err)
			}
			return nc, nil
		}
		nc, err := connect() // to delete the run's streams and bucket
		if err != nil {
			return nil, err
		}
		id := cmp.Or(cfg.RunID, randomID())
		tc := natsjs.Config{Stream: "BENCH_" + id, Prefix: "bench" + id, Replicas: cfg.Replicas}
		kc := natskv.Config{Bucket: "bench_" + id, Replicas: cfg.Replicas}
		s, err := openNATS(ctx, connect, tc, kc, cfg.Store)
		if err != nil {
			nc.Close()
			return nil, err
		}
		closeStack := s.Close
		if cfg.RunID != "" {
			s.Close = func() error { nc.Close(); return closeStack() }
			return s, nil
		}
		s.Close = func() error {
			err := closeStack()
			// Remove the run's data from the shared server.
			dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if js, jerr := jetstream.New(nc); jerr == nil {
				for _, st := range []string{tc.Stream, tc.Stream + "_DLQ", tc.Stream + "_LOG"} {
					if derr := js.DeleteStream(dctx, st); derr != nil && !errors.Is(derr, jetstream.ErrStreamNotFound) {
						err = errors.Join(err, derr)
					}
				}
				if cfg.Store == nil {
					if derr := js.DeleteKeyValue(dctx, kc.Bucket); derr != nil && !errors.Is(derr, jetstream.ErrBucketNotFound) {
						err = errors.Join(err, derr)
					}
				}
			}
			nc.Close()
			return err
		}
		return s, nil
	}}
}

// openNATS opens the JetStream transport, and the KV store unless
// openStore is given, each on a connection of its own from connect
// (one connection for all traffic serializes it on the connection's lock
// and socket). Close closes both connections.
func openNATS(ctx context.Context, connect func() (*nats.Conn, error), tc natsjs.Config, kc natskv.Config, openStore StoreOpener) (*Stack, error) {
	tnc, err := connect()
	if err != nil {
		return nil, err
	}
	tr, err := natsjs.New(ctx, tnc, tc)
	if err != nil {
		tnc.Close()
		return nil, err
	}
	closeTransport := func() error { err := tr.Close(); tnc.Close(); return err }
	var st store.Store
	closeStore := func() error { return nil }
	if openStore != nil {
		st, closeStore, err = openStore(ctx)
	} else {
		var snc *nats.Conn
		if snc, err = connect(); err == nil {
			var kv *natskv.Store
			if kv, err = natskv.New(ctx, snc, kc); err == nil {
				st, closeStore = kv, func() error { err := kv.Close(); snc.Close(); return err }
			} else {
				snc.Close()
			}
		}
	}
	if err != nil {
		return nil, errors.Join(err, closeTransport())
	}
	return &Stack{Transport: tr, Store: st, Close: func() error { return errors.Join(closeStore(), closeTransport()) }}, nil
}

// Postgres opens store/postgres on url with a table of its own, dropped
// at close. Use it as EmbeddedConfig.Store or NATSConfig.Store.
func Postgres(url string) StoreOpener {
	return func(ctx context.Context) (store.Store, func() error, error) {
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			return nil, nil, fmt.Errorf("bench: postgres: %w", err)
		}
		table := "infinitic_bench_" + randomID()
		st, err := postgres.New(ctx, postgres.Config{Pool: pool, Table: table})
		if err != nil {
			pool.Close()
			return nil, nil, err
		}
		return st, func() error {
			err := st.Close()
			dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			for _, q := range []string{"DROP TABLE IF EXISTS " + table, "DROP TABLE IF EXISTS " + table + "_schema", "DROP SEQUENCE IF EXISTS " + table + "_gen"} {
				if _, derr := pool.Exec(dctx, q); derr != nil {
					err = errors.Join(err, derr)
				}
			}
			pool.Close()
			return err
		}, nil
	}
}

// MySQL opens store/mysql on dsn (go-sql-driver/mysql format, e.g.
// "root@tcp(127.0.0.1:3306)/test") with a table of its own, dropped at
// close.
func MySQL(dsn string) StoreOpener {
	return func(ctx context.Context) (store.Store, func() error, error) {
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			return nil, nil, fmt.Errorf("bench: mysql: %w", err)
		}
		table := "infinitic_bench_" + randomID()
		st, err := mysql.New(ctx, mysql.Config{DB: db, Table: table})
		if err != nil {
			return nil, nil, errors.Join(err, db.Close())
		}
		return st, func() error {
			err := st.Close()
			dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			for _, t := range []string{table, table + "_gen", table + "_schema"} {
				if _, derr := db.ExecContext(dctx, "DROP TABLE IF EXISTS "+t); derr != nil {
					err = errors.Join(err, derr)
				}
			}
			return errors.Join(err, db.Close())
		}, nil
	}
}

// Redis opens store/redis on addr ("host:port") under a key prefix of its
// own, whose keys are deleted at close.
func Redis(addr string) StoreOpener {
	return func(ctx context.Context) (store.Store, func() error, error) {
		c := goredis.NewClient(&goredis.Options{Addr: addr})
		prefix := "infinitic_bench_" + randomID()
		st, err := redisstore.New(ctx, redisstore.Config{Client: c, Prefix: prefix})
		if err != nil {
			return nil, nil, errors.Join(err, c.Close())
		}
		return st, func() error {
			err := st.Close()
			dctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			// The store's keys all contain the prefix (in a hash tag).
			iter := c.Scan(dctx, 0, "*"+prefix+"*", 1000).Iterator()
			var keys []string
			flush := func() {
				if len(keys) > 0 {
					err = errors.Join(err, c.Unlink(dctx, keys...).Err())
					keys = keys[:0]
				}
			}
			for iter.Next(dctx) {
				if keys = append(keys, iter.Val()); len(keys) == 1000 {
					flush()
				}
			}
			flush()
			return errors.Join(err, iter.Err(), c.Close())
		}, nil
	}
}

func storeName(s string) string {
	if s == "" {
		return "custom"
	}
	return s
}

// randomID is a short lower-case hex id, valid in NATS names and SQL.
func randomID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Spec selects a backend by name, for command-line flags.
type Spec struct {
	// Kind is "memory", "embedded" (default) or "nats".
	Kind string
	// NATSURL is the server URL of Kind "nats" (several, comma-separated,
	// for a cluster).
	NATSURL string
	// Replicas of the streams and bucket of Kind "nats" (3 on a 3-node
	// cluster). Default 1.
	Replicas int
	// RunID of Kind "nats": see NATSConfig.RunID.
	RunID string
	// DataDir, Durability and SyncAlways configure Kind "embedded".
	DataDir    string
	Durability embedded.Durability
	SyncAlways bool
	// OneConnection: see EmbeddedConfig.
	OneConnection bool
	// Store is "" or "natskv" (JetStream KV, the default), or one of
	// Stores ("postgres", "mysql", "redis", with StoreURL), replacing KV
	// with NATS as the transport.
	Store    string
	StoreURL string
}

// Stores maps the names accepted in Spec.Store to store openers taking
// Spec.StoreURL (a PostgreSQL URL, a MySQL DSN, a Redis host:port).
// Commands may add entries before calling Spec.Backend.
var Stores = map[string]func(url string) StoreOpener{
	"postgres": Postgres,
	"mysql":    MySQL,
	"redis":    Redis,
}

// Backend returns the backend described by s.
func (s Spec) Backend() (Backend, error) {
	var open StoreOpener
	switch s.Store {
	case "", "natskv":
	default:
		f, ok := Stores[s.Store]
		if !ok {
			return Backend{}, fmt.Errorf("bench: unknown store %q: want natskv or one of %v", s.Store, storeNames())
		}
		open = f(s.StoreURL)
	}
	switch s.Kind {
	case "memory":
		if open != nil {
			return Backend{}, errors.New("bench: the memory backend has its own store")
		}
		return Memory(), nil
	case "", "embedded":
		return Embedded(EmbeddedConfig{DataDir: s.DataDir, Durability: s.Durability, SyncAlways: s.SyncAlways, OneConnection: s.OneConnection, Store: open, StoreName: s.Store}), nil
	case "nats":
		if s.NATSURL == "" {
			return Backend{}, errors.New("bench: the nats backend needs a server URL")
		}
		return NATS(NATSConfig{URL: s.NATSURL, Replicas: s.Replicas, RunID: s.RunID, Store: open, StoreName: s.Store}), nil
	}
	return Backend{}, fmt.Errorf("bench: unknown backend %q: want memory, embedded or nats", s.Kind)
}

func storeNames() []string {
	names := make([]string, 0, len(Stores))
	for n := range Stores {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
