package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/infinitic-go/infinitic/store"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/memory"
)

// Backend kinds accepted by --backend.
const (
	backendMemory   = "memory"   // in-process, nothing survives the process
	backendEmbedded = "embedded" // in-process NATS JetStream server, durable
)

// backendConfig selects where messages and workflow state live.
type backendConfig struct {
	// Kind is backendMemory or backendEmbedded.
	Kind string
}

// errBackendUnavailable is returned for a backend this build cannot run yet.
var errBackendUnavailable = errors.New("not available yet")

// openBackend opens the transport and the store of cfg.Kind. cleanup
// releases both; call it once the worker and the client are stopped. This
// is the only place that knows the backends.
func openBackend(ctx context.Context, cfg backendConfig) (transport.Transport, store.Store, func() error, error) {
	switch cfg.Kind {
	case backendMemory:
		tr, st := memory.New(), memstore.New()
		return tr, st, func() error { return errors.Join(st.Close(), tr.Close()) }, nil
	case backendEmbedded:
		// The embedded NATS JetStream transport and KV store are being
		// written (packages transport/natsjs and store/natskv).
		return nil, nil, nil, fmt.Errorf("backend %q: %w", cfg.Kind, errBackendUnavailable)
	}
	return nil, nil, nil, fmt.Errorf("unknown backend %q: want %q or %q", cfg.Kind, backendMemory, backendEmbedded)
}
