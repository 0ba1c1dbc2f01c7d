package natsjs

import (
	"context"
	"sync"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

// Publish calls that arrive while another is under way wait for it, then
// go out together: their messages of one subject share packs, so that
// concurrent calls (a client's starts, one Publish each) cost a few NATS
// messages rather than one each. A call that finds none under way is sent
// at once, on its caller's goroutine.
type coalescer struct {
	mu      sync.Mutex
	busy    bool
	waiting []*waitingPublish
}

// waitingPublish is a call waiting for its turn.
type waitingPublish struct {
	msgs []transport.Message
	done chan error // buffered: the outcome of its publication
}

// coalescedTimeout bounds the publication of calls gathered together,
// which no caller's context bounds alone (each caller stops waiting when
// its own ends).
const coalescedTimeout = time.Minute

// publishCoalesced publishes msgs now if no publication is under way, or
// with the calls that wait for it otherwise.
func (t *Transport) publishCoalesced(ctx context.Context, msgs []transport.Message) error {
	c := &t.coalescer
	c.mu.Lock()
	if c.busy {
		w := &waitingPublish{msgs: msgs, done: make(chan error, 1)}
		c.waiting = append(c.waiting, w)
		c.mu.Unlock()
		select {
		case err := <-w.done:
			return err
		case <-ctx.Done():
			return ctx.Err() // they may still be published
		}
	}
	c.busy = true
	c.mu.Unlock()
	err := t.publish(ctx, msgs)
	t.publishWaiting()
	return err
}

// publishWaiting publishes, on a goroutine of its own, the calls that
// waited meanwhile, and the next ones, until none waits.
func (t *Transport) publishWaiting() {
	c := &t.coalescer
	c.mu.Lock()
	batch := c.waiting
	c.waiting = nil
	c.busy = len(batch) > 0
	c.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), coalescedTimeout)
		defer cancel()
		var together, apart []*waitingPublish
		var all []transport.Message
		for _, w := range batch {
			if t.sendable(w.msgs) {
				together = append(together, w)
				all = append(all, w.msgs...)
			} else {
				apart = append(apart, w) // to fail alone
			}
		}
		err := t.publish(ctx, all)
		if err != nil && len(together) > 1 {
			// Whose messages failed is unknown: each call is published
			// again apart and gets its own outcome.
			apart, together = append(apart, together...), nil
		}
		for _, w := range together {
			w.done <- err
		}
		var wg sync.WaitGroup
		for _, w := range apart {
			wg.Go(func() { w.done <- t.publish(ctx, w.msgs) })
		}
		wg.Wait()
		t.publishWaiting()
	}()
}

// sendable reports whether no message of msgs is one that Publish refuses
// (transport.ErrInvalidMessage).
func (t *Transport) sendable(msgs []transport.Message) bool {
	for _, m := range msgs {
		if t.subj.check(m) != nil || len(m.Data) > t.MaxMessageSize() {
			return false
		}
	}
	return true
}
