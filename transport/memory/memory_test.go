package memory_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/infinitic-go/infinitic/clock"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/transport/transporttest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestConformance(t *testing.T) {
	transporttest.Run(t, func(t *testing.T) transport.Transport { return memory.New() })
}

func TestConformanceWithAckTimeout(t *testing.T) {
	transporttest.Run(t, func(t *testing.T) transport.Transport {
		return memory.New(memory.WithAckTimeout(time.Minute))
	})
}

var start = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func setup(t *testing.T, opts ...memory.Option) (*memory.Transport, *clock.Fake, context.Context) {
	t.Helper()
	fc := clock.NewFake(start)
	tr := memory.New(append([]memory.Option{memory.WithClock(fc)}, opts...)...)
	t.Cleanup(func() { _ = tr.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return tr, fc, ctx
}

func fetch(t *testing.T, ctx context.Context, c transport.Consumer, limit int, wait time.Duration) []transport.Delivery {
	t.Helper()
	ds, err := c.Fetch(ctx, limit, wait)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	return ds
}

func TestFakeClockDeliverAt(t *testing.T) {
	tr, fc, ctx := setup(t)
	c, _ := tr.Consume(ctx, "wf.x", "engine")
	at := start.Add(30 * 24 * time.Hour)
	if err := tr.Publish(ctx, transport.Message{ID: "t", Subject: "wf.x", DeliverAt: at}); err != nil {
		t.Fatal(err)
	}
	if ds := fetch(t, ctx, c, 1, 0); len(ds) != 0 {
		t.Fatalf("delivered before DeliverAt")
	}
	if !tr.Idle() {
		t.Errorf("Idle() = false with only a future message")
	}
	if next, ok := tr.NextDeliveryTime(); !ok || !next.Equal(at) {
		t.Errorf("NextDeliveryTime() = %v, %v; want %v", next, ok, at)
	}
	if n := tr.Pending("wf.x"); n != 1 {
		t.Errorf("Pending = %d, want 1", n)
	}
	got := make(chan []transport.Delivery, 1)
	go func() {
		ds, _ := c.Fetch(ctx, 1, time.Hour) // woken by the clock, not by maxWait
		got <- ds
	}()
	fc.Set(at)
	ds := <-got
	if len(ds) != 1 || ds[0].Message().ID != "t" {
		t.Fatalf("after advancing the clock got %d deliveries", len(ds))
	}
	if tr.Idle() {
		t.Errorf("Idle() = true with a message in flight")
	}
	if err := ds[0].Ack(); err != nil {
		t.Fatal(err)
	}
	if err := tr.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := tr.NextDeliveryTime(); ok {
		t.Errorf("NextDeliveryTime reports a message after everything was acked")
	}
	if n := tr.Pending("wf.x"); n != 0 {
		t.Errorf("Pending = %d, want 0", n)
	}
}

func TestFakeClockRetryDelay(t *testing.T) {
	tr, fc, ctx := setup(t)
	c, _ := tr.Consume(ctx, "svc.s", "")
	_ = tr.Publish(ctx, transport.Message{ID: "m", Subject: "svc.s"})
	d := fetch(t, ctx, c, 1, time.Second)[0]
	if err := d.Retry(time.Hour); err != nil {
		t.Fatal(err)
	}
	if ds := fetch(t, ctx, c, 1, 0); len(ds) != 0 {
		t.Fatalf("redelivered before the retry delay")
	}
	fc.Advance(time.Hour)
	ds := fetch(t, ctx, c, 1, 0)
	if len(ds) != 1 || ds[0].Attempt() != 2 {
		t.Fatalf("after the delay got %d deliveries", len(ds))
	}
}

func TestAckTimeout(t *testing.T) {
	tr, fc, ctx := setup(t, memory.WithAckTimeout(time.Minute))
	c, _ := tr.Consume(ctx, "s", "g")
	_ = tr.Publish(ctx, transport.Message{ID: "m", Subject: "s"})
	old := fetch(t, ctx, c, 1, time.Second)[0]
	fc.Advance(time.Minute)
	ds := fetch(t, ctx, c, 1, time.Second)
	if len(ds) != 1 || ds[0].Attempt() != 2 {
		t.Fatalf("not redelivered after the ack timeout")
	}
	if err := old.Ack(); err != nil { // stale: no-op
		t.Fatal(err)
	}
	if tr.Idle() {
		t.Fatalf("stale ack settled the redelivered message")
	}
	_ = ds[0].Ack()
	if !tr.Idle() {
		t.Fatalf("not idle after ack")
	}
}

func TestDedupWindowExpires(t *testing.T) {
	tr, fc, ctx := setup(t, memory.WithDedupWindow(time.Minute))
	c, _ := tr.Consume(ctx, "s", "g")
	m := transport.Message{ID: "same", Subject: "s"}
	_ = tr.Publish(ctx, m, m)
	fc.Advance(59 * time.Second)
	_ = tr.Publish(ctx, m)
	if n := tr.Pending("s"); n != 1 {
		t.Fatalf("Pending = %d within the window, want 1", n)
	}
	fc.Advance(time.Second)
	_ = tr.Publish(ctx, m)
	if n := tr.Pending("s"); n != 2 {
		t.Fatalf("Pending = %d after the window, want 2", n)
	}
	_ = c
}

func TestDeadLetters(t *testing.T) {
	tr, _, ctx := setup(t)
	c, _ := tr.Consume(ctx, "s", "g")
	_ = tr.Publish(ctx, transport.Message{ID: "m", Subject: "s", Data: []byte("x")})
	d := fetch(t, ctx, c, 1, time.Second)[0]
	if err := d.DeadLetter("boom"); err != nil {
		t.Fatal(err)
	}
	dl := tr.DeadLetters()
	if len(dl) != 1 || dl[0].Reason != "boom" || dl[0].Message.ID != "m" || dl[0].Group != "g" ||
		string(dl[0].Message.Data) != "x" || !dl[0].At.Equal(start) || dl[0].Attempt != 1 {
		t.Fatalf("DeadLetters() = %+v", dl)
	}
	if !tr.Idle() {
		t.Fatalf("not idle after dead letter")
	}
}

func TestDuplicatesAndReorder(t *testing.T) {
	tr, _, ctx := setup(t, memory.WithDuplicates(), memory.WithReorder(42))
	c, _ := tr.Consume(ctx, "s", "g")
	var msgs []transport.Message
	for i := range 50 {
		msgs = append(msgs, transport.Message{ID: fmt.Sprint(i), Subject: "s"})
	}
	_ = tr.Publish(ctx, msgs...)
	ds := fetch(t, ctx, c, 1000, time.Second)
	if len(ds) != 100 {
		t.Fatalf("got %d deliveries, want every message twice", len(ds))
	}
	count := map[string]int{}
	inOrder := true
	for i, d := range ds {
		count[d.Message().ID]++
		if i < 50 && d.Message().ID != fmt.Sprint(i) {
			inOrder = false
		}
		_ = d.Ack()
	}
	for _, m := range msgs {
		if count[m.ID] != 2 {
			t.Errorf("%s delivered %d times", m.ID, count[m.ID])
		}
	}
	if inOrder {
		t.Errorf("WithReorder delivered in publication order")
	}
}

func TestLateGroupSeesOnlyNewMessages(t *testing.T) {
	tr, _, ctx := setup(t)
	_ = tr.Publish(ctx, transport.Message{ID: "buffered", Subject: "s"})
	a, _ := tr.Consume(ctx, "s", "a")
	b, _ := tr.Consume(ctx, "s", "b")
	_ = tr.Publish(ctx, transport.Message{ID: "new", Subject: "s"})
	if ds := fetch(t, ctx, a, 10, 0); len(ds) != 2 {
		t.Errorf("first group got %d messages, want 2 (buffer adopted)", len(ds))
	}
	if ds := fetch(t, ctx, b, 10, 0); len(ds) != 1 || ds[0].Message().ID != "new" {
		t.Errorf("later group got %d messages, want only the new one", len(ds))
	}
}

func TestCloseUnblocksWaitIdle(t *testing.T) {
	tr, _, ctx := setup(t)
	c, _ := tr.Consume(ctx, "s", "g")
	_ = tr.Publish(ctx, transport.Message{ID: "m", Subject: "s"})
	_ = fetch(t, ctx, c, 1, 0)
	errc := make(chan error, 1)
	go func() { errc <- tr.WaitIdle(ctx) }()
	_ = tr.Close()
	if err := <-errc; err == nil {
		t.Fatalf("WaitIdle returned nil on a closed, busy transport")
	}
}
