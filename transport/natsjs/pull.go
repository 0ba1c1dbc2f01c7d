package natsjs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic/transport"
)

// puller asks the server for a consumer's messages with one pull request
// at a time, delivered to an inbox subscribed once and read by Fetch
// itself. A request asks for a batch and lasts until the batch is
// delivered or it expires (Fetch's maxWait): the messages it brings go
// into the inbox as they are stored, whether a Fetch waits or not, and a
// Fetch returns those the inbox holds. So a message reaches a waiting
// Fetch with no request to make for it and no goroutine between the
// connection's reader and Fetch, and under load one request brings a
// batch (jetstream's Fetch subscribes an inbox and starts a goroutine per
// call, and waiting for a first message then taking more cost it two
// requests).
type puller struct {
	subject string // the consumer's next-messages API subject
	sub     *nats.Subscription
	msgs    chan *nats.Msg
	batch   int  // largest batch asked: msgs holds two of them
	open    bool // a request may still deliver messages
	left    int  // messages it may still deliver
	// A request is lost with the server when the connection reconnects,
	// and its end may be lost too: past its expiry (and lostAfter), it is
	// taken as ended.
	reconnected <-chan struct{}
	expiry      time.Time
}

// pullRequest is the body of a JetStream next-messages request.
type pullRequest struct {
	Batch   int           `json:"batch"`
	Expires time.Duration `json:"expires,omitempty"`
	NoWait  bool          `json:"no_wait,omitempty"`
}

// startPuller subscribes the inbox of c's pull requests.
func (c *consumer) startPuller(batch int) error {
	p := &puller{subject: "$JS.API.CONSUMER.MSG.NEXT." + c.t.cfg.Stream + "." + c.jc.CachedInfo().Name,
		msgs: make(chan *nats.Msg, 2*batch+8), batch: batch}
	sub, err := c.t.nc.ChanSubscribe(c.t.nc.NewInbox(), p.msgs)
	if err != nil {
		return fmt.Errorf("transport/natsjs: subscribe the inbox of %s: %w", p.subject, err)
	}
	p.sub, c.p = sub, p
	return nil
}

// request asks for up to batch messages for up to expires (only those
// available at once when expires is under a millisecond).
func (p *puller) request(nc *nats.Conn, reconnected <-chan struct{}, batch int, expires time.Duration) error {
	req := pullRequest{Batch: min(batch, p.batch), Expires: expires}
	if expires < time.Millisecond {
		req.Expires, req.NoWait = 0, true
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	p.reconnected = reconnected
	if err := nc.PublishRequest(p.subject, p.sub.Subject, body); err != nil {
		return fmt.Errorf("transport/natsjs: pull request to %s: %w", p.subject, err)
	}
	p.open, p.left, p.expiry = true, req.Batch, time.Now().Add(req.Expires+lostAfter)
	return nil
}

// lostAfter is how long after its expiry a request whose end never came
// is taken as lost.
const lostAfter = time.Second

// lost reports whether the open request is gone without its end.
func (p *puller) lost() bool {
	select {
	case <-p.reconnected:
		return true
	default:
		return time.Now().After(p.expiry)
	}
}

// pull returns up to limit messages, waiting until deadline for the
// first; more when the last was a pack. The caller holds c.pulling.
func (c *consumer) pull(ctx context.Context, limit int, deadline time.Time) ([]*delivery, error) {
	if c.ctx.Err() != nil {
		return nil, transport.ErrClosed // Close stopped the puller, or will not see it
	}
	if c.p == nil {
		if err := c.startPuller(limit); err != nil {
			return nil, err
		}
	}
	p := c.p
	if p.open && p.lost() {
		p.open = false
	}
	var timer *time.Timer
	var ds []*delivery
	for len(ds) < limit {
		if !p.open {
			if len(ds) > 0 {
				return ds, nil
			}
			if err := p.request(c.t.nc, c.t.reconnects.Next(), limit, time.Until(deadline)); err != nil {
				return nil, err
			}
		}
		var m *nats.Msg
		select {
		case m = <-p.msgs:
		default:
			if len(ds) > 0 {
				return ds, nil // the rest of the request's messages go to the next Fetch
			}
			if timer == nil {
				timer = time.NewTimer(time.Until(deadline))
				defer timer.Stop()
			}
			select {
			case m = <-p.msgs:
			case <-timer.C:
				return nil, nil // the request expires on the server too (its end goes to the next Fetch)
			case <-p.reconnected:
				// The request was lost with the server: the next Fetch
				// asks again, on the new connection.
				p.open = false
				return nil, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-c.ctx.Done():
				return nil, transport.ErrClosed
			}
		}
		if done, err := p.status(m); done || err != nil {
			if err != nil {
				return ds, err
			}
			if len(ds) == 0 && time.Until(deadline) < time.Millisecond {
				return nil, nil
			}
			continue
		}
		if p.left--; p.left <= 0 {
			p.open = false
		}
		ds = append(ds, c.deliveries(m)...)
	}
	return ds, nil
}

// status handles m if it is a status message rather than a delivered
// one: the end of a request (done), or the error it reports.
func (p *puller) status(m *nats.Msg) (done bool, err error) {
	code := m.Header.Get("Status")
	if len(m.Data) > 0 || code == "" {
		return false, nil
	}
	switch code {
	case "100": // idle heartbeat (none is asked for)
		return true, nil
	case "404", "408": // no messages, request expired
		p.open = false
		return true, nil
	}
	p.open = false
	return true, fmt.Errorf("transport/natsjs: pull request to %s: %s %s", p.subject, code, m.Header.Get("Description"))
}

// stop ends the puller and naks what its inbox holds, so that the group
// gets it at once rather than after AckWait: an open request may still be
// sending messages. The server stops delivering to the inbox first
// (drain), and a ping round trip makes sure that whatever it sent before
// is in msgs. The caller holds c.pulling.
func (p *puller) stop(nc *nats.Conn) {
	if p.sub.Drain() == nil {
		_ = nc.FlushTimeout(stopFlushTimeout)
	}
	_ = p.sub.Unsubscribe()
	for {
		select {
		case m := <-p.msgs:
			if code := m.Header.Get("Status"); len(m.Data) > 0 || code == "" {
				_ = m.Nak()
			}
		default:
			return
		}
	}
}

// stopFlushTimeout bounds the round trip of stop (the connection may be
// down: the messages in flight are then redelivered after AckWait).
const stopFlushTimeout = time.Second
