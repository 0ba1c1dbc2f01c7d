package natsjs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

// packEnv is a transport on an embedded server, one consumer of subject,
// and n messages published to it in one call: one pack.
type packEnv struct {
	t    *testing.T
	ctx  context.Context
	tr   *natsjs.Transport
	nc   *nats.Conn
	cfg  natsjs.Config
	c    transport.Consumer
	msgs []transport.Message
}

func newPackEnv(t *testing.T, n int) *packEnv {
	s := startServer(t, t.TempDir())
	cfg := uniqueConfig()
	cfg.AckWait = time.Minute // a redelivery within the test is not the AckWait's
	e := &packEnv{t: t, cfg: cfg, nc: connect(t, s)}
	e.tr = newTransport(t, e.nc, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	e.ctx = ctx
	e.c = e.consume()
	for i := range n {
		e.msgs = append(e.msgs, transport.Message{ID: fmt.Sprint("m", i), Subject: "wf.P", Key: fmt.Sprint("k", i), Data: []byte(fmt.Sprint("data", i))})
	}
	if err := e.tr.Publish(ctx, e.msgs...); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *packEnv) consume() transport.Consumer {
	c, err := e.tr.Consume(e.ctx, "wf.P", "g")
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = c.Close() })
	return c
}

// fetch fetches from c, limit at a time, until it has n deliveries, and
// checks that nothing more comes within wait (if not 0).
func (e *packEnv) fetch(c transport.Consumer, limit, n int, wait time.Duration) []transport.Delivery {
	e.t.Helper()
	var got []transport.Delivery
	for len(got) < n && e.ctx.Err() == nil {
		ds, err := c.Fetch(e.ctx, limit, time.Second)
		if err != nil {
			e.t.Fatal(err)
		}
		if len(ds) > limit {
			e.t.Fatalf("Fetch(%d) returned %d", limit, len(ds))
		}
		got = append(got, ds...)
	}
	if len(got) != n {
		e.t.Fatalf("got %d deliveries, want %d", len(got), n)
	}
	if wait > 0 {
		if ds, _ := c.Fetch(e.ctx, limit, wait); len(ds) > 0 {
			e.t.Fatalf("unexpected delivery %q (attempt %d)", ds[0].Message().ID, ds[0].Attempt())
		}
	}
	return got
}

// streamMessages is how many messages the stream keeps.
func (e *packEnv) streamMessages() uint64 {
	js, err := jetstreamNew(e.nc)
	if err != nil {
		e.t.Fatal(err)
	}
	st, err := js.Stream(e.ctx, e.cfg.Stream)
	if err != nil {
		e.t.Fatal(err)
	}
	return st.CachedInfo().State.Msgs
}

// TestPackedMessagesSettleApart: messages published together travel as
// one pack, reach the consumer as they were sent, a Fetch's limit at a
// time; each is settled on its own (a retried one comes back alone, with
// its next attempt; a dead-lettered one is kept), and the pack leaves the
// stream once all are settled.
func TestPackedMessagesSettleApart(t *testing.T) {
	e := newPackEnv(t, 10)
	if n := e.streamMessages(); n != 1 {
		t.Fatalf("the stream holds %d messages, want 1 pack", n)
	}
	ds := e.fetch(e.c, 4, 10, 0)
	byID := map[string]transport.Delivery{}
	for _, d := range ds {
		byID[d.Message().ID] = d
	}
	for _, m := range e.msgs {
		d := byID[m.ID]
		if d == nil || d.Message().Key != m.Key || string(d.Message().Data) != string(m.Data) || d.Message().Subject != m.Subject || d.Attempt() != 1 {
			t.Fatalf("%s delivered as %+v", m.ID, d)
		}
	}
	for _, m := range e.msgs[:8] {
		if err := byID[m.ID].Ack(); err != nil {
			t.Fatal(err)
		}
	}
	if err := byID["m8"].Retry(10 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := byID["m9"].DeadLetter("bad"); err != nil {
		t.Fatal(err)
	}
	again := e.fetch(e.c, 4, 1, 300*time.Millisecond)[0]
	if m := again.Message(); m.ID != "m8" || m.Key != "k8" || string(m.Data) != "data8" || again.Attempt() != 2 {
		t.Fatalf("retried as %+v, attempt %d", m, again.Attempt())
	}
	if err := again.Retry(0); err != nil { // a message retried apart is retried as any other
		t.Fatal(err)
	}
	again = e.fetch(e.c, 4, 1, 0)[0]
	if again.Message().ID != "m8" || again.Attempt() != 3 {
		t.Fatalf("retried again as %q, attempt %d", again.Message().ID, again.Attempt())
	}
	if err := again.Ack(); err != nil {
		t.Fatal(err)
	}
	dls, err := e.tr.DeadLetters(e.ctx, "wf.P", 10)
	if err != nil || len(dls) != 1 || dls[0].Message.ID != "m9" || string(dls[0].Message.Data) != "data9" || dls[0].Reason != "bad" {
		t.Fatalf("dead letters %+v, %v", dls, err)
	}
	for e.streamMessages() != 0 { // acks are asynchronous
		if e.ctx.Err() != nil {
			t.Fatalf("the stream still holds %d messages", e.streamMessages())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestClosePacksBack: a consumer closed before every message of a pack is
// settled hands the whole pack back to its group, including the messages
// it had not handed over yet (at least once: the settled ones come back too).
func TestClosePacksBack(t *testing.T) {
	e := newPackEnv(t, 6)
	ds := e.fetch(e.c, 2, 2, 0) // 4 left in the consumer
	if err := ds[0].Ack(); err != nil {
		t.Fatal(err)
	}
	if err := e.c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ds[1].Ack(); err != transport.ErrClosed {
		t.Fatalf("Ack after Close: %v", err)
	}
	got := map[string]bool{}
	for _, d := range e.fetch(e.consume(), 10, 6, 0) {
		got[d.Message().ID] = d.Attempt() == 2
		_ = d.Ack()
	}
	for _, m := range e.msgs {
		if !got[m.ID] {
			t.Errorf("%s not redelivered at once as attempt 2: %v", m.ID, got)
		}
	}
}

// TestPackPublishedAgainIsDropped: publishing the same messages together
// again (an outbox after a crash) is deduplicated, as a message alone is.
func TestPackPublishedAgainIsDropped(t *testing.T) {
	e := newPackEnv(t, 5)
	if err := e.tr.Publish(e.ctx, e.msgs...); err != nil {
		t.Fatal(err)
	}
	for _, d := range e.fetch(e.c, 10, 5, 300*time.Millisecond) {
		_ = d.Ack()
	}
}

// TestConcurrentPublishes: Publish calls made at the same time go out
// together (fewer NATS messages than calls), and each still gets its own
// outcome: a refused message fails its call only.
func TestConcurrentPublishes(t *testing.T) {
	e := newPackEnv(t, 0)
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{}) // all at once
	for i := range n {
		subject := "wf.P"
		if i%50 == 7 {
			subject = "wf.P bad" // refused: not a NATS subject
		}
		wg.Go(func() {
			<-start
			errs[i] = e.tr.Publish(e.ctx, transport.Message{ID: fmt.Sprint("c", i), Subject: subject, Key: fmt.Sprint(i), Data: []byte("x")})
		})
	}
	close(start)
	wg.Wait()
	valid := 0
	for i, err := range errs {
		switch {
		case i%50 == 7 && !errors.Is(err, transport.ErrInvalidMessage):
			t.Errorf("publish %d: %v, want ErrInvalidMessage", i, err)
		case i%50 != 7 && err != nil:
			t.Errorf("publish %d: %v", i, err)
		case i%50 != 7:
			valid++
		}
	}
	if stored := e.streamMessages(); stored >= uint64(valid) {
		t.Errorf("%d calls stored as %d NATS messages: none went together", valid, stored)
	}
	for _, d := range e.fetch(e.c, 64, valid, 300*time.Millisecond) {
		_ = d.Ack()
	}
}
