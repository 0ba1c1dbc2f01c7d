// Package transporttest is the conformance suite every
// [transport.Transport] implementation must pass.
//
// An implementation's tests call Run with a constructor:
//
//	func TestConformance(t *testing.T) {
//		transporttest.Run(t, func(t *testing.T) transport.Transport {
//			return memory.New()
//		})
//	}
//
// Each case gets a fresh transport from newTransport (which may share a
// server with other cases: every case uses its own subjects) and closes it
// at the end. Cases run in parallel. Delays are short real delays (about
// 200ms) because the suite targets real brokers; the suite never asserts
// that something happens within a given time, only that it happens, and
// never sleeps to synchronise.
package transporttest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

// caseTimeout bounds each case: a hang becomes a failure, not a stuck run.
const caseTimeout = 60 * time.Second

// longWait is a Fetch maxWait long enough for a message that must arrive.
const longWait = 10 * time.Second

// quietWait is the maxWait used to check that nothing (more) is delivered.
const quietWait = 300 * time.Millisecond

// delay is the DeliverAt/Retry delay under test.
const delay = 200 * time.Millisecond

var caseSeq atomic.Int64

// env is the fixture given to each case.
type env struct {
	options
	t      *testing.T
	ctx    context.Context
	tr     transport.Transport
	prefix string // unique token prefix for subjects and IDs
}

// subject returns a subject unique to this case.
func (e *env) subject(name string) string { return "ttest." + e.prefix + "." + name }

// id returns a message ID unique to this case.
func (e *env) id(name string) string { return e.prefix + "-" + name }

type testCase struct {
	name string
	run  func(e *env)
}

// Option adapts the suite to a broker's known quirks.
type Option func(*options)

type options struct {
	attemptsAfterClose bool // redeliveries after a consumer's close count as attempts
}

// UncountedCloseRedeliveries accepts that a message handed back by a
// closing consumer comes back with Attempt 1: nats-server before 2.10
// sometimes counts such a redelivery as a first delivery. The message
// must still come back at once.
func UncountedCloseRedeliveries() Option {
	return func(o *options) { o.attemptsAfterClose = false }
}

// Run runs the conformance suite on transports built by newTransport.
func Run(t *testing.T, newTransport func(t *testing.T) transport.Transport, opts ...Option) {
	t.Helper()
	o := options{attemptsAfterClose: true}
	for _, opt := range opts {
		opt(&o)
	}
	var cases []testCase
	cases = append(cases, basicCases...)
	cases = append(cases, redeliveryCases...)
	cases = append(cases, fetchCases...)
	cases = append(cases, inspectCases...)
	stamp := time.Now().UnixNano() % 1_000_000_000
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
			defer cancel()
			tr := newTransport(t)
			defer func() {
				if err := tr.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			prefix := fmt.Sprintf("c%d_%d_%s", stamp, caseSeq.Add(1), strings.ToLower(c.name))
			c.run(&env{options: o, t: t, ctx: ctx, tr: tr, prefix: prefix})
		})
	}
}

// consume creates a consumer closed at the end of the case.
func (e *env) consume(subject, group string) transport.Consumer {
	e.t.Helper()
	c, err := e.tr.Consume(e.ctx, subject, group)
	if err != nil {
		e.t.Fatalf("Consume(%q, %q): %v", subject, group, err)
	}
	e.t.Cleanup(func() { _ = c.Close() })
	return c
}

// publish publishes msgs or fails the test.
func (e *env) publish(msgs ...transport.Message) {
	e.t.Helper()
	if err := e.tr.Publish(e.ctx, msgs...); err != nil {
		e.t.Fatalf("Publish: %v", err)
	}
}

// msgs builds n messages on subject with IDs name-0..name-(n-1).
func (e *env) msgs(subject, name string, n int) []transport.Message {
	out := make([]transport.Message, n)
	for i := range out {
		out[i] = transport.Message{
			ID:      e.id(fmt.Sprintf("%s-%d", name, i)),
			Subject: subject,
			Key:     fmt.Sprintf("key-%d", i%7),
			Data:    []byte(fmt.Sprintf("data-%s-%d", name, i)),
		}
	}
	return out
}

// fetchOne fetches exactly one message, waiting as long as needed.
func (e *env) fetchOne(c transport.Consumer) transport.Delivery {
	e.t.Helper()
	ds := e.collect(c, 1, 1)
	return ds[0]
}

// collect fetches (limit per Fetch) until n deliveries are received.
func (e *env) collect(c transport.Consumer, n, limit int) []transport.Delivery {
	e.t.Helper()
	var out []transport.Delivery
	for len(out) < n {
		ds, err := c.Fetch(e.ctx, min(limit, n-len(out)), longWait)
		if err != nil {
			e.t.Fatalf("Fetch after %d/%d deliveries: %v", len(out), n, err)
		}
		if len(ds) > limit {
			e.t.Fatalf("Fetch(limit=%d) returned %d deliveries", limit, len(ds))
		}
		out = append(out, ds...)
	}
	if len(out) > n {
		e.t.Fatalf("got %d deliveries, want %d", len(out), n)
	}
	return out
}

// expectNone checks that nothing is delivered within quietWait.
func (e *env) expectNone(c transport.Consumer) {
	e.t.Helper()
	ds, err := c.Fetch(e.ctx, 10, quietWait)
	if err != nil {
		e.t.Fatalf("Fetch: %v", err)
	}
	for _, d := range ds {
		m := d.Message()
		e.t.Errorf("unexpected delivery %q (attempt %d)", m.ID, d.Attempt())
	}
}

// ackAll acks every delivery.
func (e *env) ackAll(ds []transport.Delivery) {
	e.t.Helper()
	for _, d := range ds {
		if err := d.Ack(); err != nil {
			e.t.Fatalf("Ack(%q): %v", d.Message().ID, err)
		}
	}
}

// ids returns the set of message IDs of ds, failing on duplicates.
func (e *env) ids(ds []transport.Delivery) map[string]bool {
	e.t.Helper()
	set := make(map[string]bool, len(ds))
	for _, d := range ds {
		id := d.Message().ID
		if set[id] {
			e.t.Errorf("message %q delivered twice", id)
		}
		set[id] = true
	}
	return set
}

// sameIDs checks that ds are exactly the messages want.
func (e *env) sameIDs(ds []transport.Delivery, want []transport.Message) {
	e.t.Helper()
	got := e.ids(ds)
	for _, m := range want {
		if !got[m.ID] {
			e.t.Errorf("message %q not delivered", m.ID)
		}
		delete(got, m.ID)
	}
	for id := range got {
		e.t.Errorf("unexpected message %q", id)
	}
}

// errorsIsClosed reports whether err is (or wraps) transport.ErrClosed.
func errorsIsClosed(err error) bool { return errors.Is(err, transport.ErrClosed) }

// parallel runs f(i) for i in [0,n) concurrently and waits.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(i) })
	}
	wg.Wait()
}
