package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
)

// Ops counts the calls the engine makes to the transport and the store,
// and the time they take (wall time, summed over concurrent callers): it
// tells whether a run waits on round trips or burns CPU. Enable it with
// Options.CountOps; it costs two clock reads per call.
type Ops struct {
	Publish, Fetch, Ack, Retry, DeadLetter Op // transport calls
	Published, Fetched                     int64
	Get, Put, Delete, Keys                 Op    // store calls
	Pipeline                               Op    // store.Pipeliner calls
	Pipelined                              int64 // writes of the Pipeline calls
	Conflicts                              int64 // Put, Delete or pipelined write that returned store.ErrConflict
	// Hop is the time from the start of the Publish call of a message to
	// its delivery by Fetch (first delivery of each message id).
	Hop Op
}

// sub returns o - before, for the calls of one phase.
func (o *Ops) sub(before *Ops) *Ops {
	d := func(a, b Op) Op { return Op{N: a.N - b.N, Total: a.Total - b.Total} }
	return &Ops{
		Publish: d(o.Publish, before.Publish), Fetch: d(o.Fetch, before.Fetch), Ack: d(o.Ack, before.Ack),
		Retry: d(o.Retry, before.Retry), DeadLetter: d(o.DeadLetter, before.DeadLetter),
		Published: o.Published - before.Published, Fetched: o.Fetched - before.Fetched,
		Get: d(o.Get, before.Get), Put: d(o.Put, before.Put), Delete: d(o.Delete, before.Delete), Keys: d(o.Keys, before.Keys),
		Pipeline: d(o.Pipeline, before.Pipeline), Pipelined: o.Pipelined - before.Pipelined,
		Conflicts: o.Conflicts - before.Conflicts, Hop: d(o.Hop, before.Hop),
	}
}

// Op is the count and total duration of one kind of call.
type Op struct {
	N     int64
	Total time.Duration
}

// Mean is the average duration of a call.
func (o Op) Mean() time.Duration {
	if o.N == 0 {
		return 0
	}
	return o.Total / time.Duration(o.N)
}

// Format writes one line per kind of call, with counts per workflow when
// workflows > 0.
func (o *Ops) Format(w io.Writer, workflows int) error {
	per := func(n int64) string {
		if workflows <= 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", float64(n)/float64(workflows))
	}
	line := func(name string, op Op, extra string) {
		fmt.Fprintf(w, "op_%s: n=%d per_workflow=%s mean_us=%.1f total_s=%.3f%s\n",
			name, op.N, per(op.N), float64(op.Mean())/float64(time.Microsecond), op.Total.Seconds(), extra)
	}
	line("publish", o.Publish, fmt.Sprintf(" messages=%d messages_per_workflow=%s", o.Published, per(o.Published)))
	line("fetch", o.Fetch, fmt.Sprintf(" messages=%d", o.Fetched))
	line("hop", o.Hop, " (publish call to delivery, per message)")
	line("ack", o.Ack, "")
	line("retry", o.Retry, "")
	line("dead_letter", o.DeadLetter, "")
	line("store_get", o.Get, "")
	line("store_put", o.Put, fmt.Sprintf(" conflicts=%d", o.Conflicts))
	line("store_delete", o.Delete, "")
	line("store_pipeline", o.Pipeline, fmt.Sprintf(" writes=%d writes_per_workflow=%s", o.Pipelined, per(o.Pipelined)))
	_, err := fmt.Fprintf(w, "op_store_keys: n=%d mean_us=%.1f\n", o.Keys.N, float64(o.Keys.Mean())/float64(time.Microsecond))
	return err
}

// counter is an Op updated concurrently.
type counter struct{ n, ns atomic.Int64 }

func (c *counter) since(t0 time.Time) {
	c.n.Add(1)
	c.ns.Add(int64(time.Since(t0)))
}

func (c *counter) op() Op { return Op{N: c.n.Load(), Total: time.Duration(c.ns.Load())} }

type opCounters struct {
	publish, fetch, ack, retry, deadLetter counter
	published, fetched, conflicts          atomic.Int64
	get, put, del, keys, pipeline          counter
	pipelined                              atomic.Int64
	hop                                    counter
	sent                                   sync.Map // message id -> time.Time of its Publish call
}

func (c *opCounters) snapshot() *Ops {
	return &Ops{
		Publish: c.publish.op(), Fetch: c.fetch.op(), Ack: c.ack.op(), Retry: c.retry.op(), DeadLetter: c.deadLetter.op(),
		Published: c.published.Load(), Fetched: c.fetched.Load(),
		Get: c.get.op(), Put: c.put.op(), Delete: c.del.op(), Keys: c.keys.op(),
		Pipeline: c.pipeline.op(), Pipelined: c.pipelined.Load(),
		Conflicts: c.conflicts.Load(), Hop: c.hop.op(),
	}
}

// countingTransport and countingStore (or countingPipeliner) wrap the
// backend's.
type countingTransport struct {
	transport.Transport
	c *opCounters
}

func (t countingTransport) Publish(ctx context.Context, msgs ...transport.Message) error {
	t0 := time.Now()
	defer t.c.publish.since(t0)
	t.c.published.Add(int64(len(msgs)))
	for _, m := range msgs {
		if m.DeliverAt.IsZero() && !strings.HasPrefix(m.Subject, transport.LogPrefix) { // logs are not fetched
			t.c.sent.LoadOrStore(m.ID, t0)
		}
	}
	return t.Transport.Publish(ctx, msgs...)
}

func (t countingTransport) Consume(ctx context.Context, subject, group string) (transport.Consumer, error) {
	cons, err := t.Transport.Consume(ctx, subject, group)
	if err != nil {
		return nil, err
	}
	return countingConsumer{cons, t.c}, nil
}

type countingConsumer struct {
	transport.Consumer
	c *opCounters
}

func (cc countingConsumer) Fetch(ctx context.Context, limit int, maxWait time.Duration) ([]transport.Delivery, error) {
	t0 := time.Now()
	ds, err := cc.Consumer.Fetch(ctx, limit, maxWait)
	if len(ds) > 0 { // empty fetches are idle time, not work
		cc.c.fetch.since(t0)
		cc.c.fetched.Add(int64(len(ds)))
	}
	now := time.Now()
	for i, d := range ds {
		if t0, ok := cc.c.sent.LoadAndDelete(d.Message().ID); ok {
			cc.c.hop.n.Add(1)
			cc.c.hop.ns.Add(int64(now.Sub(t0.(time.Time))))
		}
		ds[i] = countingDelivery{d, cc.c}
	}
	return ds, err
}

type countingDelivery struct {
	transport.Delivery
	c *opCounters
}

func (d countingDelivery) Ack() error {
	defer d.c.ack.since(time.Now())
	return d.Delivery.Ack()
}

func (d countingDelivery) Retry(delay time.Duration) error {
	defer d.c.retry.since(time.Now())
	return d.Delivery.Retry(delay)
}

func (d countingDelivery) DeadLetter(reason string) error {
	defer d.c.deadLetter.since(time.Now())
	return d.Delivery.DeadLetter(reason)
}

type countingStore struct {
	store.Store
	c *opCounters
}

// countStore wraps st, keeping the store.Pipeliner and store.Expirer it
// may implement.
func countStore(st store.Store, c *opCounters) store.Store {
	if _, ok := st.(store.Expirer); ok {
		return countingExpirer{countingPipeliner{countingStore{st, c}}}
	}
	if _, ok := st.(store.Pipeliner); ok {
		return countingPipeliner{countingStore{st, c}}
	}
	return countingStore{st, c}
}

type countingPipeliner struct{ countingStore }

type countingExpirer struct{ countingPipeliner }

func (s countingExpirer) Expires() bool { return s.Store.(store.Expirer).Expires() }

func (s countingPipeliner) Pipeline(ctx context.Context, writes []store.Write) ([]store.Version, []error) {
	defer s.c.pipeline.since(time.Now())
	s.c.pipelined.Add(int64(len(writes)))
	versions, errs := s.Store.(store.Pipeliner).Pipeline(ctx, writes)
	for _, err := range errs {
		if errors.Is(err, store.ErrConflict) {
			s.c.conflicts.Add(1)
		}
	}
	return versions, errs
}

func (s countingStore) Get(ctx context.Context, key string) ([]byte, store.Version, error) {
	defer s.c.get.since(time.Now())
	return s.Store.Get(ctx, key)
}

func (s countingStore) Put(ctx context.Context, key string, value []byte, expected store.Version) (store.Version, error) {
	defer s.c.put.since(time.Now())
	v, err := s.Store.Put(ctx, key, value, expected)
	if errors.Is(err, store.ErrConflict) {
		s.c.conflicts.Add(1)
	}
	return v, err
}

func (s countingStore) Delete(ctx context.Context, key string, expected store.Version) error {
	defer s.c.del.since(time.Now())
	err := s.Store.Delete(ctx, key, expected)
	if errors.Is(err, store.ErrConflict) {
		s.c.conflicts.Add(1)
	}
	return err
}

func (s countingStore) Keys(ctx context.Context, prefix, after string, limit int) ([]string, error) {
	defer s.c.keys.since(time.Now())
	return s.Store.Keys(ctx, prefix, after, limit)
}
