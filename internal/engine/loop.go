package engine

import (
	"context"
	"errors"
	"log/slog"
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
