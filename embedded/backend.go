package embedded

import (
	"context"
	"errors"

	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport/natsjs"
	"github.com/nats-io/nats.go"
)

// Backend is infinitic-go's durable default in one value: an embedded
// server, an in-process connection, the JetStream transport and the KV
// store. Give Transport and Store to the worker and client configs.
type Backend struct {
	Server    *Server
	Conn      *nats.Conn
	Transport *natsjs.Transport
	Store     *natskv.Store
}

// Open starts an embedded server with cfg and opens the transport and the
// store on it, with their default configurations and the server's Health:
// while the disk is full, their writes fail at once with an error
// matching ErrNoSpace.
func Open(ctx context.Context, cfg Config) (_ *Backend, err error) {
	b := &Backend{}
	defer func() {
		if err != nil {
			err = errors.Join(err, b.Close())
		}
	}()
	if b.Server, err = Start(cfg); err != nil {
		return nil, err
	}
	if b.Conn, err = b.Server.Connect(); err != nil {
		return nil, err
	}
	if b.Transport, err = natsjs.New(ctx, b.Conn, natsjs.Config{Health: b.Server.Health}); err != nil {
		return nil, err
	}
	if b.Store, err = natskv.New(ctx, b.Conn, natskv.Config{Health: b.Server.Health}); err != nil {
		return nil, err
	}
	return b, nil
}

// Close closes the store, the transport, the connection and the server.
func (b *Backend) Close() error {
	var errs []error
	if b.Store != nil {
		errs = append(errs, b.Store.Close())
	}
	if b.Transport != nil {
		errs = append(errs, b.Transport.Close())
	}
	if b.Conn != nil {
		b.Conn.Close()
	}
	if b.Server != nil {
		b.Server.Shutdown()
	}
	return errors.Join(errs...)
}
