// Package config reads a deployment's settings from a YAML file, like
// Infinitic's infinitic.yml, with INFINITIC_* environment variables over
// it: where messages travel (an embedded server, or NATS with its
// credentials, TLS and replicas), where workflow state lives (NATS KV,
// PostgreSQL, MySQL or Redis, with pool sizes), and per service and
// workflow name their concurrency, retry policy, timeout, batch sizes,
// retention and cache size. Operators change these without recompiling.
//
// A worker configured only from its file:
//
//	cfg, err := config.Load("infinitic.yml")
//	b, err := cfg.Open(ctx) // the transport and the store
//	defer b.Close()
//	w, err := worker.New(b.WorkerConfig())
//	err = worker.AddService[ImageUtil](w, impl) // the file's services.ImageUtil settings apply
//
// and a client: client.New(ctx, b.ClientConfig()). RunWorker does all
// this, and also hosts and creates the schedules of the file's
// `schedules:` section (package schedule).
//
// # The file
//
// docs/infinitic.yml in the repository is a complete, commented example.
// Keys are camelCase; durations are written like 30s or 1h30m. A section
// or key left out takes its default. The transport holds one of
// embedded (the default) and nats; the storage one of natsKV (the
// default, on the transport's server), postgres, mysql and redis.
// Settings of services and workflows are applied after the options the
// code gives to worker.AddService and worker.AddWorkflow: the file wins.
//
// # Environment
//
// A variable named INFINITIC_ and the key's path in upper case, with '_'
// between words, overrides that key: INFINITIC_TRANSPORT_NATS_URL,
// INFINITIC_STORAGE_POSTGRES_MAX_CONNS, or, for a service or workflow
// that the file names, INFINITIC_SERVICES_IMAGE_UTIL_CONCURRENCY (lists
// are comma-separated). Variables under INFINITIC_TRANSPORT_,
// INFINITIC_STORAGE_, INFINITIC_SERVICES_ and INFINITIC_WORKFLOWS_ that
// match no key fail; other INFINITIC_* variables are ignored.
//
// # Errors
//
// Load reports every unknown key and invalid value at once, each with the
// file and line (or the variable) and the key:
//
//	infinitic.yml:7: transport.nats.urls: unknown key (known here: connectTimeout, credsFile, ...)
//	infinitic.yml:15: services.ImageUtil.concurrency: must be at least 1, got 0
//	env INFINITIC_WORKFLOWS_IMAGE_WORKFLOW_RETENTION: workflows.ImageWorkflow.retention: want a duration such as 30s or 1h30m, got "1 day"
//
// and a worker fails at Run if the file tunes a service or workflow it
// does not register.
//
// # Dependencies
//
// This package opens every kind of store, so it compiles their drivers
// (pgx, go-sql-driver/mysql, go-redis). A program that wants none of them
// wires embedded.Open or broker.Connect to the worker and client by hand.
package config
