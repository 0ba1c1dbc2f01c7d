package natsjs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic/internal/groupsync"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// syncTimeout bounds one group-commit request: an fsync round of the
// server, or the discovery that the server has none.
const syncTimeout = 30 * time.Second

// detectSync asks the server whether it group-commits (an embedded
// server with the power-loss durability serves wire.SyncSubject). If so,
// the transport waits for the server's fsync before Publish returns,
// before Fetch hands deliveries over, and before an ack or a dead
// letter's removal is sent; otherwise it never asks again.
func (t *Transport) detectSync(ctx context.Context) error {
	err := t.requestSync(ctx)
	if errors.Is(err, nats.ErrNoResponders) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("transport/natsjs: ask the server whether it group-commits (%s): %w", wire.SyncSubject, err)
	}
	t.synced = groupsync.New(t.requestSync)
	return nil
}

// requestSync returns once every write the server had acknowledged when
// the request arrived is on disk.
func (t *Transport) requestSync(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	m, err := t.nc.RequestWithContext(ctx, wire.SyncSubject, nil)
	if err != nil {
		return err
	}
	if len(m.Data) > 0 {
		return fmt.Errorf("server: %s", m.Data)
	}
	return nil
}

// durable returns once every write acknowledged to this transport so far
// is on disk (at once when the server does not group-commit).
func (t *Transport) durable(ctx context.Context) error {
	if t.synced == nil {
		return nil
	}
	if err := t.synced.Wait(ctx); err != nil {
		return fmt.Errorf("transport/natsjs: wait for the server's fsync: %w", err)
	}
	return nil
}

// GroupCommit reports whether the server group-commits: whether this
// transport waits for its fsyncs (see embedded.DurabilityPowerLoss).
func (t *Transport) GroupCommit() bool { return t.synced != nil }
