package config

import (
	"time"
)

// Config is the content of a configuration file. Fields are named as in
// the file (camelCase keys); a section or key left out takes its default.
type Config struct {
	// Transport says where messages travel. Default: embedded.
	Transport Transport `yaml:"transport"`
	// Storage says where workflow state lives. Default: natsKV, on the
	// transport's server.
	Storage Storage `yaml:"storage"`
	// Services tunes services by name (the contract's wire name, such as
	// "ImageUtil"). A worker fails at Run if a name is not registered.
	Services map[string]*Service `yaml:"services"`
	// Workflows tunes workflows by name, like Services.
	Workflows map[string]*Workflow `yaml:"workflows"`
	// Schedules declares schedules by name (package schedule): a worker
	// run by RunWorker hosts them and creates or updates each at start.
	// Default: none.
	Schedules map[string]*Schedule `yaml:"schedules"`
	// Events configures the event stream (package events). Default: on,
	// kept 7 days or 1 GiB.
	Events Events `yaml:"events"`

	src sources // where each key was set, for errors
}

// Events configures the event stream: the lifecycle CloudEvents of every
// workflow instance and task (package events).
type Events struct {
	// Enabled: false makes the workers publish no events
	// (worker.Config.NoEvents). Default true.
	Enabled *bool `yaml:"enabled"`
	// MaxAge is how long the stream keeps an event
	// (natsjs.Config.LogMaxAge). Default 168h.
	MaxAge time.Duration `yaml:"maxAge"`
	// MaxBytes bounds the stream's size, the oldest events going first
	// (natsjs.Config.LogMaxBytes). Default 1073741824 (1 GiB).
	MaxBytes int `yaml:"maxBytes"`
}

// Transport holds one of its sections: embedded or nats.
type Transport struct {
	// Embedded runs a NATS JetStream server in the process.
	Embedded Embedded `yaml:"embedded"`
	// NATS connects to a server of another process: `infinitic server`,
	// nats-server or a cluster.
	NATS NATS `yaml:"nats"`
}

// Embedded configures the in-process server (package embedded).
type Embedded struct {
	// DataDir holds the messages and the state. Default "./.infinitic/data".
	DataDir string `yaml:"dataDir"`
	// Listen also serves other processes on "host:port". Default: none.
	Listen string `yaml:"listen"`
	// Durability is what an acknowledged write survives (see
	// embedded.Durability): "process-crash" (the default) or "power-loss"
	// (group commit: fsynced before anything is acknowledged).
	Durability string `yaml:"durability"`
	// SyncAlways fsyncs each write on its own before acknowledging it
	// (slower than durability power-loss). Default false.
	SyncAlways bool `yaml:"syncAlways"`
	// Users who may connect to Listen, with their roles. Default: anyone,
	// with every right.
	Users []User `yaml:"users"`
	// TLS of Listen. Default: none.
	TLS ServerTLS `yaml:"tls"`
}

// User may connect to the embedded server (embedded.User).
type User struct {
	// Name of the user. Required.
	Name string `yaml:"name"`
	// Password, or NKey (a public user nkey, "U..."): one of them.
	Password string `yaml:"password"`
	NKey     string `yaml:"nkey"`
	// Role: client, service or worker. Default: every right.
	Role string `yaml:"role"`
	// Services that a service user runs.
	Services []string `yaml:"services"`
}

// ServerTLS holds the files of the embedded server's TLS (embedded.TLS).
type ServerTLS struct {
	CertFile      string `yaml:"certFile"`
	KeyFile       string `yaml:"keyFile"`
	CAFile        string `yaml:"caFile"`
	VerifyClients bool   `yaml:"verifyClients"`
}

// NATS configures the connection to a server of another process
// (package broker).
type NATS struct {
	// URL of the server, or comma-separated URLs of a cluster.
	// Default "nats://127.0.0.1:4222".
	URL string `yaml:"url"`
	// User and Password, Token, CredsFile or NKeyFile authenticate (one of
	// them). Default: none.
	User      string `yaml:"user"`
	Password  string `yaml:"password"`
	Token     string `yaml:"token"`
	CredsFile string `yaml:"credsFile"`
	NKeyFile  string `yaml:"nkeyFile"`
	// TLS files, in PEM format; any of them turns TLS on. Default: none.
	TLS TLS `yaml:"tls"`
	// Replicas of the streams (and of the natsKV bucket unless it says
	// otherwise): 1, 3 or 5 on a cluster. Default 1.
	Replicas int `yaml:"replicas"`
	// ConnectTimeout bounds the first connection. Default 5s.
	ConnectTimeout time.Duration `yaml:"connectTimeout"`
}

// TLS holds the files of a TLS connection.
type TLS struct {
	CAFile   string `yaml:"caFile"`
	CertFile string `yaml:"certFile"`
	KeyFile  string `yaml:"keyFile"`
}

// Storage holds one of its sections: natsKV, postgres, mysql or redis.
type Storage struct {
	NATSKV   NATSKV   `yaml:"natsKV"`
	Postgres Postgres `yaml:"postgres"`
	MySQL    MySQL    `yaml:"mysql"`
	Redis    Redis    `yaml:"redis"`
}

// NATSKV keeps state in a JetStream KV bucket of the transport's server.
type NATSKV struct {
	// Bucket name. Default "infinitic".
	Bucket string `yaml:"bucket"`
	// Replicas of the bucket. Default: transport.nats.replicas, or 1.
	Replicas int `yaml:"replicas"`
}

// Postgres keeps state in PostgreSQL.
type Postgres struct {
	// URL, e.g. "postgres://user:pass@host:5432/db". Default: libpq's
	// defaults and the PG* environment variables.
	URL string `yaml:"url"`
	// MaxConns bounds the connection pool. Default: pgx's (4, or the
	// number of CPUs if more).
	MaxConns int `yaml:"maxConns"`
	// Table name. Default "infinitic_store".
	Table string `yaml:"table"`
}

// MySQL keeps state in MySQL or MariaDB.
type MySQL struct {
	// DSN, e.g. "user:pass@tcp(127.0.0.1:3306)/db". Required.
	DSN string `yaml:"dsn"`
	// MaxOpenConns bounds the connection pool. Default 16.
	MaxOpenConns int `yaml:"maxOpenConns"`
	// Table name. Default "infinitic_store".
	Table string `yaml:"table"`
}

// Redis keeps state in Redis.
type Redis struct {
	// URL, e.g. "redis://user:pass@host:6379/0" ("rediss://" for TLS).
	// Default "redis://127.0.0.1:6379/0".
	URL string `yaml:"url"`
	// PoolSize bounds the connection pool. Default: go-redis's (10 per CPU).
	PoolSize int `yaml:"poolSize"`
	// Prefix of the store's keys. Default "infinitic".
	Prefix string `yaml:"prefix"`
}

// Service tunes a service (worker.ServiceOption).
type Service struct {
	// Concurrency: tasks run in parallel. Default 16.
	Concurrency int `yaml:"concurrency"`
	// Timeout of each attempt. Default: none.
	Timeout time.Duration `yaml:"timeout"`
	// Retry policy. Default: infinitic.DefaultRetryPolicy.
	Retry Retry `yaml:"retry"`
	// Batch sizes by method name, for methods the code made batch methods
	// (worker.WithBatch).
	Batch map[string]*Batch `yaml:"batch"`
}

// Retry is an infinitic.RetryPolicy; keys left out take their defaults.
type Retry struct {
	MinDelay     time.Duration `yaml:"minDelay"`
	MaxDelay     time.Duration `yaml:"maxDelay"`
	Coefficient  float64       `yaml:"coefficient"`
	RandomFactor float64       `yaml:"randomFactor"`
	// MaxRetries after the first attempt; 0: none. Default 11.
	MaxRetries int `yaml:"maxRetries"`
	// NonRetryable error types, as printed by %T.
	NonRetryable []string `yaml:"nonRetryable"`
}

// Batch is the size of a batch method's batches.
type Batch struct {
	MaxMessages int           `yaml:"maxMessages"`
	MaxWait     time.Duration `yaml:"maxWait"`
}

// Workflow tunes a workflow (worker.WorkflowOption).
type Workflow struct {
	// Concurrency: instances handled in parallel. Default 16.
	Concurrency int `yaml:"concurrency"`
	// FetchSize: messages fetched and applied at once. Default 128.
	FetchSize int `yaml:"fetchSize"`
	// Retention of finished instances' outcomes. Default 0: forever.
	Retention time.Duration `yaml:"retention"`
	// CacheSize: running instances kept in memory. Default 8192.
	CacheSize int `yaml:"cacheSize"`
}
