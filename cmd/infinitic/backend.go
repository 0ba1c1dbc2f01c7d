package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

// Backend kinds accepted by --backend.
const (
	backendMemory   = "memory"   // in-process maps: nothing survives the process
	backendEmbedded = "embedded" // in-process NATS JetStream server: durable
)

// backendConfig selects where messages and workflow state live.
type backendConfig struct {
	// Kind is backendMemory or backendEmbedded.
	Kind string
	// DataDir is where the embedded server stores its data. Empty: a
	// temporary directory removed on cleanup.
	DataDir string
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
		return openEmbedded(ctx, cfg.DataDir)
	}
	return nil, nil, nil, fmt.Errorf("unknown backend %q: want %q or %q", cfg.Kind, backendMemory, backendEmbedded)
}

// openEmbedded starts a NATS JetStream server in this process and opens
// the JetStream transport and KV store on an in-process connection.
func openEmbedded(ctx context.Context, dir string) (_ transport.Transport, _ store.Store, _ func() error, err error) {
	var cleanups []func() error
	cleanup := func() error {
		var errs []error
		for i := len(cleanups) - 1; i >= 0; i-- {
			errs = append(errs, cleanups[i]())
		}
		return errors.Join(errs...)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, cleanup())
		}
	}()
	if dir == "" {
		if dir, err = os.MkdirTemp("", "infinitic-"); err != nil {
			return nil, nil, nil, err
		}
		cleanups = append(cleanups, func() error { return os.RemoveAll(dir) })
	}
	srv, err := embedded.Start(embedded.Config{DataDir: dir})
	if err != nil {
		return nil, nil, nil, err
	}
	cleanups = append(cleanups, func() error { srv.Shutdown(); return nil })
	nc, err := srv.Connect()
	if err != nil {
		return nil, nil, nil, err
	}
	cleanups = append(cleanups, func() error { nc.Close(); return nil })
	tr, err := natsjs.New(ctx, nc, natsjs.Config{})
	if err != nil {
		return nil, nil, nil, err
	}
	cleanups = append(cleanups, tr.Close)
	st, err := natskv.New(ctx, nc, natskv.Config{})
	if err != nil {
		return nil, nil, nil, err
	}
	cleanups = append(cleanups, st.Close)
	return tr, st, cleanup, nil
}
