package transporttest

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

var basicCases = []testCase{
	{"PublishConsumeAck", func(e *env) {
		subj := e.subject("a")
		c := e.consume(subj, "g")
		want := e.msgs(subj, "m", 3)
		e.publish(want...)
		ds := e.collect(c, 3, 10)
		e.sameIDs(ds, want)
		byID := map[string]transport.Message{}
		for _, m := range want {
			byID[m.ID] = m
		}
		for _, d := range ds {
			got, w := d.Message(), byID[d.Message().ID]
			if got.Subject != w.Subject || got.Key != w.Key || !bytes.Equal(got.Data, w.Data) {
				e.t.Errorf("delivered %+v, published %+v", got, w)
			}
			if d.Attempt() != 1 {
				e.t.Errorf("Attempt() = %d on first delivery, want 1", d.Attempt())
			}
		}
		e.ackAll(ds)
		e.expectNone(c)
	}},
	{"PublishBeforeConsume", func(e *env) {
		subj := e.subject("early")
		want := e.msgs(subj, "m", 2)
		e.publish(want...)
		c := e.consume(subj, "g")
		ds := e.collect(c, 2, 10)
		e.sameIDs(ds, want)
		e.ackAll(ds)
	}},
	{"EmptyAndBinaryData", func(e *env) {
		subj := e.subject("bin")
		c := e.consume(subj, "g")
		bin := []byte{0, 1, 2, 0xff, '\n', '\r', 0}
		e.publish(
			transport.Message{ID: e.id("empty"), Subject: subj},
			transport.Message{ID: e.id("bin"), Subject: subj, Key: "k", Data: bin},
		)
		for _, d := range e.collect(c, 2, 2) {
			m := d.Message()
			want := []byte(nil)
			if m.ID == e.id("bin") {
				want = bin
			}
			if !bytes.Equal(m.Data, want) {
				e.t.Errorf("%s: data %q, want %q", m.ID, m.Data, want)
			}
			e.ackAll([]transport.Delivery{d})
		}
	}},
	{"SubjectsAreIsolated", func(e *env) {
		s1, s2 := e.subject("one"), e.subject("two")
		c1, c2 := e.consume(s1, "g"), e.consume(s2, "g")
		m1, m2 := e.msgs(s1, "x", 2), e.msgs(s2, "y", 3)
		e.publish(append(m1, m2...)...)
		d1, d2 := e.collect(c1, 2, 10), e.collect(c2, 3, 10)
		e.sameIDs(d1, m1)
		e.sameIDs(d2, m2)
		e.ackAll(d1)
		e.ackAll(d2)
		e.expectNone(c1)
	}},
	{"WorkQueueSharing", func(e *env) {
		subj := e.subject("wq")
		c1, c2 := e.consume(subj, "g"), e.consume(subj, "g")
		const n = 40
		want := e.msgs(subj, "m", n)
		e.publish(want...)
		var mu sync.Mutex
		var all []transport.Delivery
		got := 0
		parallel(2, func(i int) {
			c := []transport.Consumer{c1, c2}[i]
			for {
				mu.Lock()
				done := got >= n
				mu.Unlock()
				if done {
					return
				}
				ds, err := c.Fetch(e.ctx, 3, quietWait)
				if err != nil {
					e.t.Errorf("Fetch: %v", err)
					return
				}
				for _, d := range ds {
					if err := d.Ack(); err != nil {
						e.t.Errorf("Ack: %v", err)
					}
				}
				mu.Lock()
				all = append(all, ds...)
				got += len(ds)
				mu.Unlock()
			}
		})
		e.sameIDs(all, want)
		e.expectNone(c1)
		e.expectNone(c2)
	}},
	{"GroupsGetTheirOwnCopy", func(e *env) {
		subj := e.subject("fan")
		ca, cb := e.consume(subj, "a"), e.consume(subj, "b")
		want := e.msgs(subj, "m", 5)
		e.publish(want...)
		da := e.collect(ca, 5, 10)
		e.sameIDs(da, want)
		e.ackAll(da)
		db := e.collect(cb, 5, 10)
		e.sameIDs(db, want)
		e.ackAll(db)
	}},
	{"ManyKeysOneConsumer", func(e *env) {
		subj := e.subject("keys")
		c := e.consume(subj, "g")
		var want []transport.Message
		for i := range 50 {
			want = append(want, transport.Message{
				ID: e.id(fmt.Sprint(i)), Subject: subj, Key: fmt.Sprintf("wf-%d", i), Data: []byte("x"),
			})
		}
		e.publish(want...)
		ds := e.collect(c, 50, 50)
		e.sameIDs(ds, want)
		e.ackAll(ds)
	}},
	{"DedupeByID", func(e *env) {
		subj := e.subject("dedupe")
		c := e.consume(subj, "g")
		m := transport.Message{ID: e.id("same"), Subject: subj, Data: []byte("first")}
		e.publish(m)
		m.Data = []byte("second")
		e.publish(m, m)
		d := e.fetchOne(c)
		if string(d.Message().Data) != "first" {
			e.t.Errorf("data %q, want the first publication", d.Message().Data)
		}
		e.ackAll([]transport.Delivery{d})
		e.expectNone(c)
	}},
	{"LargePublish", func(e *env) {
		subj := e.subject("large")
		c := e.consume(subj, "g")
		want := e.msgs(subj, "m", 1000)
		e.publish(want...)
		ds := e.collect(c, len(want), 100)
		e.sameIDs(ds, want)
		e.ackAll(ds)
	}},
	{"ConcurrentPublishers", func(e *env) {
		subj := e.subject("conc")
		c := e.consume(subj, "g")
		var want []transport.Message
		for p := range 8 {
			want = append(want, e.msgs(subj, fmt.Sprint("p", p), 25)...)
		}
		parallel(8, func(p int) {
			if err := e.tr.Publish(e.ctx, want[p*25:(p+1)*25]...); err != nil {
				e.t.Errorf("Publish: %v", err)
			}
		})
		ds := e.collect(c, len(want), 64)
		e.sameIDs(ds, want)
		e.ackAll(ds)
	}},
	{"PublishAfterCloseFails", func(e *env) {
		if err := e.tr.Close(); err != nil {
			e.t.Fatalf("Close: %v", err)
		}
		err := e.tr.Publish(e.ctx, transport.Message{ID: e.id("x"), Subject: e.subject("closed")})
		if !errorsIsClosed(err) {
			e.t.Errorf("Publish after Close: %v, want ErrClosed", err)
		}
		if _, err := e.tr.Consume(e.ctx, e.subject("closed"), "g"); !errorsIsClosed(err) {
			e.t.Errorf("Consume after Close: %v, want ErrClosed", err)
		}
	}},
	{"DeliverAtPastIsImmediate", func(e *env) {
		subj := e.subject("past")
		c := e.consume(subj, "g")
		e.publish(transport.Message{ID: e.id("p"), Subject: subj, DeliverAt: time.Now().Add(-time.Hour)})
		e.ackAll([]transport.Delivery{e.fetchOne(c)})
	}},
}
