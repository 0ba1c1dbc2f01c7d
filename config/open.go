package config

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go"
	goredis "github.com/redis/go-redis/v9"

	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/store/mysql"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/store/postgres"
	"github.com/infinitic-go/infinitic/store/redis"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/natsjs"
	"github.com/infinitic-go/infinitic/worker"
)

// Backend is the transport and the store of a Config, open. Build the
// worker and the client from it with WorkerConfig and ClientConfig.
type Backend struct {
	Transport transport.Transport
	Store     store.Store
	// Server is the embedded server, when the transport is embedded.
	Server *embedded.Server

	cfg    *Config
	closer []func() error // in closing order
}

// Open opens the transport and the store of c: it starts the embedded
// server or connects to NATS (failing within transport.nats.connectTimeout
// when no server answers), then opens the store, creating its streams,
// bucket or tables if needed.
func (c *Config) Open(ctx context.Context) (_ *Backend, err error) {
	b := &Backend{cfg: c}
	defer func() {
		if err != nil {
			err = errors.Join(err, b.Close())
		}
	}()
	var nc *nats.Conn
	if c.src.has("transport.nats") {
		n := c.Transport.NATS
		nc, err = broker.Dial(broker.Config{URL: n.URL, User: n.User, Password: n.Password, Token: n.Token,
			CredsFile: n.CredsFile, NKeyFile: n.NKeyFile, ConnectTimeout: n.ConnectTimeout,
			TLS: broker.TLS{CAFile: n.TLS.CAFile, CertFile: n.TLS.CertFile, KeyFile: n.TLS.KeyFile}})
	} else {
		e := c.Transport.Embedded
		users := make([]embedded.User, len(e.Users))
		for i, u := range e.Users {
			users[i] = embedded.User{Name: u.Name, Password: u.Password, NKey: u.NKey, Role: broker.Role(u.Role), Services: u.Services}
		}
		durability, _ := embedded.ParseDurability(e.Durability) // checked by validate
		if b.Server, err = embedded.Start(embedded.Config{DataDir: e.DataDir, Listen: e.Listen, Durability: durability, SyncAlways: e.SyncAlways, Users: users,
			TLS: embedded.TLS{CertFile: e.TLS.CertFile, KeyFile: e.TLS.KeyFile, CAFile: e.TLS.CAFile, VerifyClients: e.TLS.VerifyClients}}); err != nil {
			return nil, err
		}
		b.onClose(func() error { b.Server.Shutdown(); return nil })
		nc, err = b.Server.Connect()
	}
	if err != nil {
		return nil, err
	}
	b.onClose(func() error { nc.Close(); return nil })
	tr, err := natsjs.New(ctx, nc, natsjs.Config{Replicas: c.Transport.NATS.Replicas, LogMaxAge: c.Events.MaxAge, LogMaxBytes: int64(c.Events.MaxBytes)})
	if err != nil {
		return nil, err
	}
	b.Transport = tr
	b.onClose(tr.Close)
	if b.Store, err = c.openStore(ctx, nc, b); err != nil {
		return nil, err
	}
	b.onClose(b.Store.Close)
	return b, nil
}

// openStore opens the store of c.Storage.
func (c *Config) openStore(ctx context.Context, nc *nats.Conn, b *Backend) (store.Store, error) {
	s := c.Storage
	switch {
	case c.src.has("storage.postgres"):
		return postgres.New(ctx, postgres.Config{URL: withMaxConns(s.Postgres.URL, s.Postgres.MaxConns), Table: s.Postgres.Table})
	case c.src.has("storage.mysql"):
		return mysql.New(ctx, mysql.Config{DSN: s.MySQL.DSN, MaxOpenConns: s.MySQL.MaxOpenConns, Table: s.MySQL.Table})
	case c.src.has("storage.redis"):
		u := s.Redis.URL
		if u == "" {
			u = "redis://" + redis.DefaultAddr + "/0"
		}
		opts, err := goredis.ParseURL(u) // checked by validate
		if err != nil {
			return nil, fmt.Errorf("config: storage.redis.url: %w", err)
		}
		opts.PoolSize = s.Redis.PoolSize
		rc := goredis.NewClient(opts)
		b.onClose(rc.Close) // after the store's Close, which leaves rc open
		return redis.New(ctx, redis.Config{Client: rc, Prefix: s.Redis.Prefix})
	}
	replicas := s.NATSKV.Replicas
	if replicas == 0 {
		replicas = c.Transport.NATS.Replicas
	}
	return natskv.New(ctx, nc, natskv.Config{Bucket: s.NATSKV.Bucket, Replicas: replicas})
}

// withMaxConns sets pgx's pool_max_conns in a PostgreSQL URL or DSN.
func withMaxConns(conn string, n int) string {
	if n == 0 {
		return conn
	}
	if u, err := url.Parse(conn); err == nil && strings.Contains(conn, "://") {
		q := u.Query()
		q.Set("pool_max_conns", strconv.Itoa(n))
		u.RawQuery = q.Encode()
		return u.String()
	}
	return strings.TrimSpace(conn + " pool_max_conns=" + strconv.Itoa(n))
}

func (b *Backend) onClose(f func() error) { b.closer = append(b.closer, f) }

// WorkerConfig returns a worker configuration with the transport, the
// store and the services' and workflows' settings of the file.
func (b *Backend) WorkerConfig() worker.Config {
	return worker.Config{Transport: b.Transport, Store: b.Store,
		Services: b.cfg.ServiceOptions(), Workflows: b.cfg.WorkflowOptions(),
		NoEvents: b.cfg.Events.Enabled != nil && !*b.cfg.Events.Enabled}
}

// ClientConfig returns a client configuration with the transport and the
// store.
func (b *Backend) ClientConfig() client.Config {
	return client.Config{Transport: b.Transport, Store: b.Store}
}

// Close closes the store, the transport, the connection and the embedded
// server. Close the worker and the client first.
func (b *Backend) Close() error {
	var errs []error
	for i := len(b.closer) - 1; i >= 0; i-- {
		errs = append(errs, b.closer[i]())
	}
	b.closer = nil
	return errors.Join(errs...)
}
