package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

// Backend kinds accepted by --backend.
const (
	backendMemory   = "memory"   // in-process maps: nothing survives the process
	backendEmbedded = "embedded" // in-process NATS JetStream server: durable
	backendNATS     = "nats"     // an external NATS server (see `infinitic server`)
)

// backendConfig selects where messages and workflow state live.
type backendConfig struct {
	// Kind is backendMemory, backendEmbedded or backendNATS.
	Kind string
	// DataDir is where the embedded server stores its data. Empty: a
	// temporary directory removed on cleanup.
	DataDir string
	// URL of the external NATS server (backendNATS).
	URL string
	// Listen, when set, makes the embedded server also serve NATS clients
	// of other processes on this host:port.
	Listen string
	// Listening, when set, receives the URL of the embedded server that
	// listens.
	Listening func(url string)
	// Logger receives the embedded server's logs (nil: none).
	Logger *slog.Logger
	// Tool is set by the commands that operate a deployment (workflow,
	// events, dashboard): on an external NATS they leave its streams as
	// they are (a cluster's replicas, a longer event retention).
	Tool bool
}

// openBackend opens the transport and the store of cfg.Kind. cleanup
// releases both; call it once the worker and the client are stopped. This
// is the only place that knows the backends.
func openBackend(ctx context.Context, cfg backendConfig) (transport.Transport, store.Store, func() error, error) {
	switch cfg.Kind {
	case backendMemory:
		tr, st := memory.New(), memstore.New()
		return tr, st, func() error { return errors.Join(st.Close(), tr.Close()) }, nil
	case backendEmbedded:
		return openEmbedded(ctx, cfg)
	case backendNATS:
		if cfg.URL == "" {
			return nil, nil, nil, errors.New("--nats URL is required with --backend nats")
		}
		b, err := broker.Connect(ctx, broker.Config{URL: cfg.URL, Transport: natsjs.Config{KeepStreams: cfg.Tool}})
		if err != nil {
			if cfg.Tool { // the operating commands open a data directory instead
				return nil, nil, nil, fmt.Errorf("%w; or drop --server (and $%s) to open an embedded data directory (--data-dir)", err, serverEnv)
			}
			return nil, nil, nil, fmt.Errorf("%w; or run on the embedded backend (--backend embedded)", err)
		}
		return b.Transport, b.Store, b.Close, nil
	}
	return nil, nil, nil, fmt.Errorf("unknown backend %q: want %q, %q or %q", cfg.Kind, backendMemory, backendEmbedded, backendNATS)
}

// openEmbedded starts a NATS JetStream server in this process and opens
// the JetStream transport and KV store on an in-process connection. An
// empty dir is a temporary directory, removed by cleanup.
func openEmbedded(ctx context.Context, cfg backendConfig) (transport.Transport, store.Store, func() error, error) {
	dir, removeDir := cfg.DataDir, func() error { return nil }
	if dir == "" {
		tmp, err := os.MkdirTemp("", "infinitic-")
		if err != nil {
			return nil, nil, nil, err
		}
		dir, removeDir = tmp, func() error { return os.RemoveAll(tmp) }
	}
	b, err := embedded.Open(ctx, embedded.Config{DataDir: dir, Logger: cfg.Logger, Listen: cfg.Listen})
	if err != nil {
		return nil, nil, nil, errors.Join(err, removeDir())
	}
	if cfg.Listening != nil && cfg.Listen != "" {
		cfg.Listening(b.Server.ClientURL())
	}
	return b.Transport, b.Store, func() error { return errors.Join(b.Close(), removeDir()) }, nil
}
