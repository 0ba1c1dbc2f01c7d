// Package client starts workflows and talks to running ones.
//
// A Client publishes to the transport and receives workflow outcomes on
// its own subject; it needs no store. Starting is typed by the workflow
// contract's method expression:
//
//	run, err := client.Start(ctx, c, ImageWorkflow.Handle, in)
//	url, err := run.Await(ctx)
package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/clock"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
)

// ErrClosed is returned by calls on a closed client, and by Await and
// other waiting calls when the client is closed while they wait.
var ErrClosed = errors.New("client: closed")

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
}

// Client starts workflows and awaits their outcomes. It is safe for
// concurrent use. Close it when done.
type Client struct {
	cfg      Config
	names    *naming.Table
	id       string
	consumer transport.Consumer
	cancel   context.CancelFunc
	done     chan struct{}

	mu      sync.Mutex
	waiters map[string]*waiter // by workflow id, or method run id
	replies map[string]chan *wire.Reply
	closed  bool
}

type waiter struct {
	ch     chan struct{} // closed when result is set
	result *wire.Result
	users  int
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
	id := uuid.NewString()
	cons, err := cfg.Transport.Consume(ctx, wire.ClientSubject(id), transport.EphemeralGroup+id)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	loopCtx, cancel := context.WithCancel(context.Background())
	c := &Client{cfg: cfg, names: names, id: id, consumer: cons, cancel: cancel, done: make(chan struct{}), waiters: map[string]*waiter{}, replies: map[string]chan *wire.Reply{}}
	go c.receive(loopCtx)
	return c, nil
}

// ID is the client's unique id (its results subject).
func (c *Client) ID() string { return c.id }

// Close stops receiving results. Pending Await calls and later calls
// return ErrClosed; the workflows keep running.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	<-c.done
	return c.consumer.Close()
}

func (c *Client) receive(ctx context.Context) {
	defer close(c.done)
	for ctx.Err() == nil {
		ds, err := c.consumer.Fetch(ctx, 256, 30*time.Second)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, transport.ErrClosed) {
				return
			}
			c.cfg.Logger.Warn("client: fetch failed", "err", err)
			continue
		}
		for _, d := range ds {
			env, err := wire.DecodeEnvelope(d.Message().Data)
			switch {
			case err == nil && env.Kind == wire.KindResult:
				key := env.WorkflowID
				if env.Result.Run != "" {
					key = env.Result.Run
				}
				c.deliver(key, env.Result)
			case err == nil && env.Kind == wire.KindReply:
				c.deliverReply(env.Reply)
			default:
				c.cfg.Logger.Error("client: dead-lettering unexpected message", "id", d.Message().ID, "err", err)
				_ = d.DeadLetter(fmt.Sprintf("client expects results and replies: %v", err))
				continue
			}
			_ = d.Ack()
		}
	}
}

func (c *Client) deliver(id string, r *wire.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, ok := c.waiters[id]
	if !ok || w.result != nil {
		return // nobody waits (anymore), or a duplicate
	}
	w.result = r
	close(w.ch)
}

// watch registers interest in a workflow's outcome.
func (c *Client) watch(id string) *waiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, ok := c.waiters[id]
	if !ok {
		w = &waiter{ch: make(chan struct{})}
		c.waiters[id] = w
	}
	w.users++
	return w
}

func (c *Client) unwatch(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w, ok := c.waiters[id]; ok {
		if w.users--; w.users <= 0 {
			delete(c.waiters, id)
		}
	}
}

func (c *Client) publish(ctx context.Context, m wire.Message) error {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return ErrClosed
	}
	m.Envelope.SentAt = c.cfg.Clock.Now()
	o, err := m.Encode()
	if err != nil {
		return err
	}
	return c.cfg.Transport.Publish(ctx, transport.Message{ID: o.ID, Subject: o.Subject, Key: o.Key, Data: o.Data})
}
