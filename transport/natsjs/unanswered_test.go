package natsjs_test

import (
	"bytes"
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/transport"
)

// A consumer lookup that the server never answers (on a cluster: a
// consumer electing its leader) costs the first publish to a subject one
// attempt's timeout, not the caller's whole deadline: before, the publish
// and every publish to the subject queued behind it waited until their
// deadline (the bench's 10 minutes) and failed.
func TestPublishRetriesAnUnansweredConsumerLookup(t *testing.T) {
	s, err := embedded.Start(embedded.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	// Requests diverted to swallowed are received and never answered.
	swallower := connect(t, s)
	if _, err := swallower.Subscribe("$JS.API.CONSUMER.INFX.>", func(*nats.Msg) {}); err != nil {
		t.Fatal(err)
	}
	if err := swallower.Flush(); err != nil {
		t.Fatal(err)
	}
	d := &divertingDialer{from: []byte("$JS.API.CONSUMER.INFO."), to: []byte("$JS.API.CONSUMER.INFX.")}
	nc, err := nats.Connect(s.ClientURL(), nats.SetCustomDialer(d))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	tr := newTransport(t, nc, uniqueConfig())
	d.armed.Store(true) // the next consumer lookup: the first publish's

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	errs := make(chan error, 2)
	for _, id := range []string{"a", "b"} { // b waits for a's lookup
		go func() { errs <- tr.Publish(ctx, transport.Message{ID: id, Subject: "svc.S", Data: []byte(id)}) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("publish after %v: %v", time.Since(start).Round(time.Millisecond), err)
		}
	}
	if d.diverted.Load() != 1 {
		t.Fatalf("%d requests diverted, want 1", d.diverted.Load())
	}
}

// divertingDialer dials connections that, once armed, rewrite the first
// occurrence of from (as long as to) in what the client writes.
type divertingDialer struct {
	from, to []byte
	armed    atomic.Bool
	diverted atomic.Int32
}

func (d *divertingDialer) Dial(network, address string) (net.Conn, error) {
	c, err := net.Dial(network, address)
	if err != nil {
		return nil, err
	}
	return divertingConn{Conn: c, d: d}, nil
}

type divertingConn struct {
	net.Conn
	d *divertingDialer
}

func (c divertingConn) Write(b []byte) (int, error) {
	if i := bytes.Index(b, c.d.from); i >= 0 && c.d.armed.CompareAndSwap(true, false) {
		b = bytes.Clone(b)
		copy(b[i:], c.d.to)
		c.d.diverted.Add(1)
	}
	return c.Conn.Write(b)
}
