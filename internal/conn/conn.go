// Package conn is what the typed client (package client) and the untyped
// one (package admin) share: a connection to the transport with its own
// subject, on which the engines send results and replies, and the
// operations on instances by workflow name and id.
package conn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic/clock"
	"github.com/infinitic-go/infinitic/interceptor"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// ErrClosed is returned by calls on a closed connection, and by waiting
// calls when the connection is closed while they wait.
var ErrClosed = errors.New("client: closed")

// Conn receives the results and replies sent to its id. It is safe for
// concurrent use.
type Conn struct {
	tr       transport.Transport
	logger   *slog.Logger
	clock    clock.Clock
	id       string
	consumer transport.Consumer
	cancel   context.CancelFunc
	// interceptors run around Publish and Request.
	interceptors []interceptor.Interceptor
	done         chan struct{}

	mu      sync.Mutex
	waiters map[string]*Waiter // by workflow id, or method run id
	replies map[string]chan *wire.Reply
	closed  bool
}

// Waiter is the outcome of an instance (or method run) that a caller
// waits for.
type Waiter struct {
	ch     chan struct{} // closed when result is set
	result *wire.Result
	users  int
}

// Open subscribes a new connection id to its subject on tr; requests go
// through interceptors (the first outermost).
func Open(ctx context.Context, tr transport.Transport, logger *slog.Logger, clk clock.Clock, interceptors []interceptor.Interceptor) (*Conn, error) {
	id := uuid.NewString()
	cons, err := tr.Consume(ctx, wire.ClientSubject(id), transport.EphemeralGroup+id)
	if err != nil {
		return nil, err
	}
	loopCtx, cancel := context.WithCancel(context.Background())
	c := &Conn{tr: tr, logger: logger, clock: clk, id: id, consumer: cons, cancel: cancel, done: make(chan struct{}),
		waiters: map[string]*Waiter{}, replies: map[string]chan *wire.Reply{}, interceptors: interceptors}
	go c.receive(loopCtx)
	return c, nil
}

// ID is the connection's unique id (its subject).
func (c *Conn) ID() string { return c.id }

// Done is closed once the connection is closed.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Close stops receiving. Pending and later calls return ErrClosed.
func (c *Conn) Close() error {
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

// Acks of delivered results and replies wait for the next Fetch to
// return, ackDelay at most: acked at once, a result is often the last
// message of the transport's stream (a client running workflows one after
// another), and a JetStream server then replaces the stream's last block
// file while holding its lock, which stalls the next publish (the next
// workflow's start) by a file creation. Acking later is safe: the
// message is delivered to its waiter already, and a redelivered one is
// ignored as a duplicate.
const (
	ackDelay = 100 * time.Millisecond
	idleWait = 30 * time.Second
)

func (c *Conn) receive(ctx context.Context) {
	defer close(c.done)
	var delivered []transport.Delivery // to ack
	ack := func() {
		for _, d := range delivered {
			_ = d.Ack()
		}
		delivered = delivered[:0]
	}
	defer ack() // before the consumer closes (Close waits for done)
	for ctx.Err() == nil {
		wait := idleWait
		if len(delivered) > 0 {
			wait = ackDelay
		}
		ds, err := c.consumer.Fetch(ctx, 256, wait)
		ack()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, transport.ErrClosed) {
				return
			}
			c.logger.Warn("client: fetch failed", "err", err)
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
				c.logger.Error("client: dead-lettering unexpected message", "id", d.Message().ID, "err", err)
				_ = d.DeadLetter(fmt.Sprintf("client expects results and replies: %v", err))
				continue
			}
			delivered = append(delivered, d)
		}
	}
}

func (c *Conn) deliver(key string, r *wire.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, ok := c.waiters[key]
	if !ok || w.result != nil {
		return // nobody waits (anymore), or a duplicate
	}
	w.result = r
	close(w.ch)
}

// Watch registers interest in the outcome of key (an instance id, or a
// method run id); release it with Unwatch. Watches of a key share one
// Waiter until it has a result; a Watch after that gets a fresh one, for
// a new outcome (an instance run again by RetryTasks).
func (c *Conn) Watch(key string) *Waiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, ok := c.waiters[key]
	if !ok || w.result != nil {
		w = &Waiter{ch: make(chan struct{})}
		c.waiters[key] = w
	}
	w.users++
	return w
}

// Unwatch releases one Watch of key that returned w.
func (c *Conn) Unwatch(key string, w *Waiter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w.users--; w.users <= 0 && c.waiters[key] == w {
		delete(c.waiters, key)
	}
}

// Result returns w's result if it has one, without waiting.
func (w *Waiter) Result() (*wire.Result, bool) {
	select {
	case <-w.ch:
		return w.result, true
	default:
		return nil, false
	}
}

// Wait waits for w's result, ctx's end or the connection's close.
func (c *Conn) Wait(ctx context.Context, w *Waiter) (*wire.Result, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.done:
		return nil, ErrClosed
	case <-w.ch:
		return w.result, nil
	}
}

// Publish stamps and publishes m.
func (c *Conn) Publish(ctx context.Context, m wire.Message) error {
	return c.intercept(ctx, m, func(ctx context.Context) error { return c.publish(ctx, m) })
}

func (c *Conn) publish(ctx context.Context, m wire.Message) error {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if err := m.Envelope.CheckLimits(); err != nil {
		return err
	}
	m.Envelope.SentAt = c.clock.Now()
	o, err := m.Encode()
	if err != nil {
		return err
	}
	return c.tr.Publish(ctx, transport.Message{ID: o.ID, Subject: o.Subject, Key: o.Key, Data: o.Data})
}

// Request publishes m and waits for the reply to requestID; a successful
// reply's output goes to decode, if any.
func (c *Conn) Request(ctx context.Context, requestID string, m wire.Message, decode func([]byte) error) error {
	return c.intercept(ctx, m, func(ctx context.Context) error { return c.request(ctx, requestID, m, decode) })
}

func (c *Conn) request(ctx context.Context, requestID string, m wire.Message, decode func([]byte) error) error {
	ch := make(chan *wire.Reply, 1)
	c.mu.Lock()
	c.replies[requestID] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.replies, requestID)
		c.mu.Unlock()
	}()
	if err := c.publish(ctx, m); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return ErrClosed
	case r := <-ch:
		if err := wire.ToError(r.Error); err != nil || decode == nil {
			return err
		}
		return decode(r.Output)
	}
}

func (c *Conn) deliverReply(r *wire.Reply) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.replies[r.Request]; ok {
		select {
		case ch <- r:
		default: // a duplicate
		}
	}
}
