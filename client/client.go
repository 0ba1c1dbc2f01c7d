// Package client starts workflows and talks to running ones.
//
// A Client publishes to the transport and receives workflow outcomes on
// its own subject; it needs the workers' store (Config.Store) only for
// tags, custom ids and Describe. Starting is typed by the workflow
// contract's method expression:
//
//	run, err := client.Start(ctx, c, ImageWorkflow.Handle, in)
//	url, err := run.Await(ctx)
//
// # Naming the workflow
//
// Every function names the workflow the same way: with a method expression
// when it starts or awaits a method (Start, Attach, StartMethod,
// StartMethodByTag: the method's result types the Run), with a channel when
// it sends (Send, SendByTag), and with the type parameter W otherwise
// (FindByTag[W], CancelByTag[W], CompleteTimersByTag[W]). Arguments come in
// one order: ctx (when the call does I/O), the client, what names the
// workflow, the instance id or tag, then the rest. Each function taking a
// method has a twin for methods without argument, named with a 0 (Start0,
// Attach0, StartMethod0...).
//
// Operations on one instance are methods of its Run (Await, Cancel,
// Describe, CompleteTimers, RetryTasks...); by-tag functions apply them to
// every running instance with a tag and return how many took it.
package client

import (
	"context"
	"errors"
	"fmt"
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/clock"
	"github.com/infinitic-go/infinitic/interceptor"
	"github.com/infinitic-go/infinitic/internal/conn"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
	"log/slog"
)

// ErrClosed is returned by calls on a closed client, and by Await and
// other waiting calls when the client is closed while they wait.
var ErrClosed = conn.ErrClosed

// Config configures a Client. Transport is required.
type Config struct {
	// Transport carries the messages. Required.
	Transport transport.Transport
	// Codec encodes user payloads. Default: infinitic.JSON; use the
	// workers' codec.
	Codec infinitic.Codec
	// Aliases override wire names; use the workers' aliases.
	Aliases []infinitic.Alias
	// Logger receives the client's logs. Default: slog.Default().
	Logger *slog.Logger
	// Clock stamps messages. Default: clock.System.
	Clock clock.Clock
	// Store is the workers' store, read to find instances by tag.
	// Optional: only the *ByTag functions need it.
	Store store.Store
	// Interceptors run around each request the client sends (the first
	// is the outermost): see package interceptor. Default: none.
	Interceptors []interceptor.Interceptor
}

// Client starts workflows and awaits their outcomes. It is safe for
// concurrent use. Close it when done.
type Client struct {
	cfg   Config
	names *naming.Table
	conn  *conn.Conn
}

// New returns a connected client.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.Transport == nil {
		return nil, errors.New("client: Config.Transport is required")
	}
	if cfg.Codec == nil {
		cfg.Codec = infinitic.JSON
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System
	}
	names, err := naming.NewTable(cfg.Aliases)
	if err != nil {
		return nil, fmt.Errorf("client: %w: %w", infinitic.ErrInvalidContract, err)
	}
	cn, err := conn.Open(ctx, cfg.Transport, cfg.Logger, cfg.Clock, cfg.Interceptors)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return &Client{cfg: cfg, names: names, conn: cn}, nil
}

// ID is the client's unique id (its results subject).
func (c *Client) ID() string { return c.conn.ID() }

// Close stops receiving results. Pending Await calls and later calls
// return ErrClosed; the workflows keep running.
func (c *Client) Close() error { return c.conn.Close() }
