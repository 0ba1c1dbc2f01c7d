package transporttest

import (
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

var redeliveryCases = []testCase{
	{"RetryRedelivers", func(e *env) {
		subj := e.subject("retry")
		c := e.consume(subj, "g")
		e.publish(transport.Message{ID: e.id("r"), Subject: subj, Data: []byte("payload")})
		d := e.fetchOne(c)
		if err := d.Retry(0); err != nil {
			e.t.Fatalf("Retry: %v", err)
		}
		d2 := e.fetchOne(c)
		if d2.Message().ID != e.id("r") || string(d2.Message().Data) != "payload" {
			e.t.Errorf("redelivered %+v", d2.Message())
		}
		if d2.Attempt() != 2 {
			e.t.Errorf("Attempt() = %d after one retry, want 2", d2.Attempt())
		}
		e.ackAll([]transport.Delivery{d2})
		e.expectNone(c)
	}},
	{"RetryWithDelay", func(e *env) {
		subj := e.subject("retrydelay")
		c := e.consume(subj, "g")
		e.publish(transport.Message{ID: e.id("r"), Subject: subj})
		d := e.fetchOne(c)
		start := time.Now()
		if err := d.Retry(delay); err != nil {
			e.t.Fatalf("Retry: %v", err)
		}
		d2 := e.fetchOne(c)
		if el := time.Since(start); el < delay {
			e.t.Errorf("redelivered after %v, before the retry delay %v", el, delay)
		}
		if d2.Attempt() < 2 {
			e.t.Errorf("Attempt() = %d, want >= 2", d2.Attempt())
		}
		e.ackAll([]transport.Delivery{d2})
	}},
	{"CloseWithoutAckRedelivers", func(e *env) {
		subj := e.subject("close")
		c1 := e.consume(subj, "g")
		c2 := e.consume(subj, "g")
		want := e.msgs(subj, "m", 3)
		e.publish(want...)
		ds := e.collect(c1, 3, 10)
		if err := c1.Close(); err != nil {
			e.t.Fatalf("Close: %v", err)
		}
		ds2 := e.collect(c2, 3, 10)
		e.sameIDs(ds2, want)
		for _, d := range ds2 {
			if d.Attempt() < 2 && e.attemptsAfterClose {
				e.t.Errorf("%s: Attempt() = %d after a close without ack, want >= 2", d.Message().ID, d.Attempt())
			}
		}
		e.ackAll(ds2)
		_ = ds
	}},
	{"CloseAfterAckDoesNotRedeliver", func(e *env) {
		subj := e.subject("closeacked")
		c1 := e.consume(subj, "g")
		e.publish(e.msgs(subj, "m", 2)...)
		e.ackAll(e.collect(c1, 2, 10))
		if err := c1.Close(); err != nil {
			e.t.Fatalf("Close: %v", err)
		}
		e.expectNone(e.consume(subj, "g"))
	}},
	{"DeadLetter", func(e *env) {
		subj := e.subject("dlq")
		c := e.consume(subj, "g")
		e.publish(transport.Message{ID: e.id("bad"), Subject: subj, Data: []byte("poison")},
			transport.Message{ID: e.id("good"), Subject: subj})
		for _, d := range e.collect(c, 2, 10) {
			var err error
			if d.Message().ID == e.id("bad") {
				err = d.DeadLetter("cannot decode")
			} else {
				err = d.Ack()
			}
			if err != nil {
				e.t.Fatalf("settle %s: %v", d.Message().ID, err)
			}
		}
		e.expectNone(c)
	}},
	{"DeliverAtFuture", func(e *env) {
		subj := e.subject("at")
		c := e.consume(subj, "g")
		at := time.Now().Add(delay)
		e.publish(transport.Message{ID: e.id("t"), Subject: subj, Data: []byte("timer"), DeliverAt: at},
			transport.Message{ID: e.id("now"), Subject: subj})
		first := e.fetchOne(c)
		if first.Message().ID != e.id("now") {
			if time.Now().Before(at) {
				e.t.Errorf("delayed message delivered before its DeliverAt")
			}
		}
		second := e.fetchOne(c)
		for _, d := range []transport.Delivery{first, second} {
			if d.Message().ID == e.id("t") {
				if time.Now().Before(at) {
					e.t.Errorf("delayed message delivered before its DeliverAt")
				}
				if string(d.Message().Data) != "timer" || d.Message().Subject != subj {
					e.t.Errorf("delayed message delivered as %+v", d.Message())
				}
			}
		}
		e.ackAll([]transport.Delivery{first, second})
		e.expectNone(c)
	}},
	{"DeliverAtBeforeConsume", func(e *env) {
		subj := e.subject("atearly")
		e.publish(transport.Message{ID: e.id("t"), Subject: subj, DeliverAt: time.Now().Add(delay)})
		c := e.consume(subj, "g")
		e.ackAll([]transport.Delivery{e.fetchOne(c)})
	}},
	{"ManyTimers", func(e *env) {
		subj := e.subject("timers")
		c := e.consume(subj, "g")
		want := e.msgs(subj, "t", 20)
		at := time.Now().Add(delay)
		for i := range want {
			want[i].DeliverAt = at.Add(time.Duration(i) * time.Millisecond)
		}
		e.publish(want...)
		ds := e.collect(c, len(want), 20)
		e.sameIDs(ds, want)
		e.ackAll(ds)
	}},
	{"DuplicateSettlementIsHarmless", func(e *env) {
		subj := e.subject("double")
		c := e.consume(subj, "g")
		e.publish(transport.Message{ID: e.id("d"), Subject: subj})
		d := e.fetchOne(c)
		if err := d.Ack(); err != nil {
			e.t.Fatalf("Ack: %v", err)
		}
		_ = d.Ack() // may fail, must not redeliver nor panic
		e.expectNone(c)
	}},
}
