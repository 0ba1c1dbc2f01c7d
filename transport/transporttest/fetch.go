package transporttest

import (
	"context"
	"errors"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

var fetchCases = []testCase{
	{"FetchRespectsMax", func(e *env) {
		subj := e.subject("batch")
		c := e.consume(subj, "g")
		want := e.msgs(subj, "m", 10)
		e.publish(want...)
		var all []transport.Delivery
		for len(all) < 10 {
			ds, err := c.Fetch(e.ctx, 3, longWait)
			if err != nil {
				e.t.Fatalf("Fetch: %v", err)
			}
			if len(ds) == 0 || len(ds) > 3 {
				e.t.Fatalf("Fetch(max=3) returned %d deliveries", len(ds))
			}
			all = append(all, ds...)
		}
		e.sameIDs(all, want)
		e.ackAll(all)
	}},
	{"FetchTimesOutEmpty", func(e *env) {
		c := e.consume(e.subject("empty"), "g")
		ds, err := c.Fetch(e.ctx, 5, 50*time.Millisecond)
		if err != nil || len(ds) != 0 {
			e.t.Errorf("Fetch on empty subject = %d deliveries, %v; want 0, nil", len(ds), err)
		}
	}},
	{"FetchWakesOnPublish", func(e *env) {
		subj := e.subject("wake")
		c := e.consume(subj, "g")
		type result struct {
			ds  []transport.Delivery
			err error
		}
		res := make(chan result, 1)
		go func() {
			ds, err := c.Fetch(e.ctx, 5, longWait*3)
			res <- result{ds, err}
		}()
		e.publish(transport.Message{ID: e.id("w"), Subject: subj})
		r := <-res
		if r.err != nil {
			e.t.Fatalf("Fetch: %v", r.err)
		}
		// A Fetch may return before the publication lands; collect the rest.
		if len(r.ds) == 0 {
			r.ds = e.collect(c, 1, 1)
		}
		e.ackAll(r.ds)
	}},
	{"FetchHonoursContext", func(e *env) {
		c := e.consume(e.subject("ctx"), "g")
		ctx, cancel := context.WithCancel(e.ctx)
		errc := make(chan error, 1)
		go func() {
			_, err := c.Fetch(ctx, 1, time.Hour)
			errc <- err
		}()
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			e.t.Errorf("Fetch with a canceled context: %v, want context.Canceled", err)
		}
	}},
	{"FetchAfterCloseFails", func(e *env) {
		c := e.consume(e.subject("closed"), "g")
		if err := c.Close(); err != nil {
			e.t.Fatalf("Close: %v", err)
		}
		if _, err := c.Fetch(e.ctx, 1, time.Millisecond); !errorsIsClosed(err) {
			e.t.Errorf("Fetch after Close: %v, want ErrClosed", err)
		}
		if err := c.Close(); err != nil {
			e.t.Errorf("second Close: %v", err)
		}
	}},
	{"CloseUnblocksFetch", func(e *env) {
		c := e.consume(e.subject("unblock"), "g")
		errc := make(chan error, 1)
		started := make(chan struct{})
		go func() {
			close(started)
			ds, err := c.Fetch(e.ctx, 1, time.Hour)
			if err == nil && len(ds) > 0 {
				err = errors.New("unexpected delivery")
			}
			errc <- err
		}()
		<-started
		if err := c.Close(); err != nil {
			e.t.Fatalf("Close: %v", err)
		}
		// A Fetch that began before Close may return empty or ErrClosed.
		if err := <-errc; err != nil && !errorsIsClosed(err) {
			e.t.Errorf("Fetch blocked during Close: %v", err)
		}
	}},
}
