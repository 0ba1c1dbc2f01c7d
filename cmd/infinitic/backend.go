package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/transport/natsjs"
	"github.com/nats-io/nats.go"
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
	// Logger receives the embedded server's logs (nil: none).
	Logger *slog.Logger
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
		return openEmbedded(ctx, cfg.DataDir, cfg.Logger)
	case backendNATS:
		nc, err := connectNATS(ctx, cfg.URL)
		if err != nil {
			return nil, nil, nil, err
		}
		tr, st, closeAll, err := openJetStream(ctx, nc)
		if err != nil {
			nc.Close()
			return nil, nil, nil, err
		}
		return tr, st, func() error { err := closeAll(); nc.Close(); return err }, nil
	}
	return nil, nil, nil, fmt.Errorf("unknown backend %q: want %q, %q or %q", cfg.Kind, backendMemory, backendEmbedded, backendNATS)
}

// connectWait bounds how long connectNATS retries a server that does not
// answer: long enough for one that is starting, short enough to tell a
// user who forgot to start it.
const connectWait = 5 * time.Second

// connectNATS dials an external server, retrying with backoff while it is
// unavailable (it may be starting) for up to connectWait.
func connectNATS(ctx context.Context, url string) (*nats.Conn, error) {
	if url == "" {
		return nil, errors.New("--nats URL is required with --backend nats")
	}
	ctx, cancel := context.WithTimeout(ctx, connectWait)
	defer cancel()
	delay := 100 * time.Millisecond
	for {
		nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond), nats.Timeout(connectWait))
		if err == nil {
			return nc, nil
		}
		slog.Debug("NATS server unavailable, retrying", "url", url, "in", delay, "err", err)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no NATS server answers at %s after %v (%w): start one with "+
				"`infinitic server --listen <host:port>` (or nats-server -js), or run on the embedded backend (--backend embedded)",
				url, connectWait, err)
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Second)
	}
}

// openJetStream opens the JetStream transport and KV store on nc.
func openJetStream(ctx context.Context, nc *nats.Conn) (transport.Transport, store.Store, func() error, error) {
	tr, err := natsjs.New(ctx, nc, natsjs.Config{})
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := natskv.New(ctx, nc, natskv.Config{})
	if err != nil {
		return nil, nil, nil, errors.Join(err, tr.Close())
	}
	return tr, st, func() error { return errors.Join(st.Close(), tr.Close()) }, nil
}

// openEmbedded starts a NATS JetStream server in this process and opens
// the JetStream transport and KV store on an in-process connection. An
// empty dir is a temporary directory, removed by cleanup.
func openEmbedded(ctx context.Context, dir string, logger *slog.Logger) (transport.Transport, store.Store, func() error, error) {
	removeDir := func() error { return nil }
	if dir == "" {
		tmp, err := os.MkdirTemp("", "infinitic-")
		if err != nil {
			return nil, nil, nil, err
		}
		dir, removeDir = tmp, func() error { return os.RemoveAll(tmp) }
	}
	b, err := embedded.Open(ctx, embedded.Config{DataDir: dir, Logger: logger})
	if err != nil {
		return nil, nil, nil, errors.Join(err, removeDir())
	}
	return b.Transport, b.Store, func() error { return errors.Join(b.Close(), removeDir()) }, nil
}
