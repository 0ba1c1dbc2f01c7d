package engine

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// consumeLoop fetches batches from a consumer and hands them to handle
// until ctx is done. Fetch errors are logged and retried with backoff.
func consumeLoop(ctx context.Context, c transport.Consumer, batch int, logger *slog.Logger, handle func([]transport.Delivery)) {
	backoff := 50 * time.Millisecond
	for ctx.Err() == nil {
		ds, err := c.Fetch(ctx, batch, time.Second)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, transport.ErrClosed) {
				return
			}
			logger.Warn("fetch failed, retrying", "err", err, "in", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 5*time.Second)
			continue
		}
		backoff = 50 * time.Millisecond
		if len(ds) > 0 {
			handle(ds)
		}
	}
}

// publish sends stored outgoing messages.
func publish(ctx context.Context, t transport.Transport, out []wire.Outgoing) error {
	if len(out) == 0 {
		return nil
	}
	msgs := make([]transport.Message, len(out))
	for i, o := range out {
		msgs[i] = transport.Message{ID: o.ID, Subject: o.Subject, Key: o.Key, Data: o.Data, DeliverAt: o.DeliverAt}
	}
	return t.Publish(ctx, msgs...)
}

// workers are long-lived goroutines for the shards of successive batches:
// a fresh goroutine per shard and batch would grow its stack (CBOR
// decoding, replay) again every time.
type workers struct {
	work chan func()
	done sync.WaitGroup
}

func newWorkers(n int) *workers {
	w := &workers{work: make(chan func())}
	for range n {
		w.done.Go(func() {
			for f := range w.work {
				f()
			}
		})
	}
	return w
}

// run runs f on an idle worker (waiting for one), or on a new goroutine
// when w is nil.
func (w *workers) run(f func()) {
	if w == nil {
		go f()
		return
	}
	w.work <- f
}

// stop ends the workers once their work is done.
func (w *workers) stop() {
	close(w.work)
	w.done.Wait()
}
