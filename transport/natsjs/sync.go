package natsjs

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic/internal/groupsync"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// syncTimeout bounds one group-commit request: an fsync round of the
// server, or the discovery that the server has none.
const syncTimeout = 30 * time.Second

// ackDelay is how long an ack (groupCommit.Then) waits for a round that a
// Publish or a Fetch starts before it starts one itself: acks need a
// round, not a soon one, and a round started for them would delay the
// next Publish, which waits for a round that starts after it.
const ackDelay = 10 * time.Millisecond

// groupCommit is the server's group commit as seen by a transport: its
// rounds, one request at a time, and how far the message stream is known
// to be on disk.
type groupCommit struct {
	*groupsync.Group
	stream string
	// seen is the highest sequence of the stream fetched, or published
	// and acknowledged, so far: those messages were stored before, so a
	// round requested after covers them.
	seen atomic.Uint64
	// stored: every message of the stream up to this sequence is on disk
	// (seen when the last completed round was requested).
	stored atomic.Uint64
}

// detectSync asks the server whether it group-commits (an embedded
// server with the power-loss durability serves wire.SyncSubject). If so,
// the transport waits for the server's fsync before Publish returns,
// before Fetch hands deliveries over, and before an ack or a dead
// letter's removal is sent; otherwise it never asks again.
func (t *Transport) detectSync(ctx context.Context) error {
	err := requestSync(ctx, t.nc)
	if errors.Is(err, nats.ErrNoResponders) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("transport/natsjs: ask the server whether it group-commits (%s): %w", wire.SyncSubject, err)
	}
	g := &groupCommit{stream: t.cfg.Stream}
	g.Group = groupsync.NewLazy(func(ctx context.Context) error {
		seen := g.seen.Load() // before the request: the round starts after it arrives
		if err := requestSync(ctx, t.nc); err != nil {
			return err
		}
		g.stored.Store(seen) // rounds end one at a time, in order
		return nil
	}, ackDelay)
	t.synced = g
	return nil
}

// requestSync returns once every write the server had acknowledged when
// the request arrived is on disk.
func requestSync(ctx context.Context, nc *nats.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	m, err := nc.RequestWithContext(ctx, wire.SyncSubject, nil)
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
	return syncErr(t.synced.Wait(ctx))
}

// durableFetched returns once the messages of ds are on disk. A message
// was stored before it was delivered: one of a sequence below a message
// fetched before the last round was requested (a backlog shared by
// several consumers) is covered by that round. So: at once when the last
// round covers ds, after the running round when it does, and after the
// next round otherwise.
func (t *Transport) durableFetched(ctx context.Context, ds []*delivery) error {
	g := t.synced
	if g == nil {
		return nil
	}
	last, ok := g.lastSequence(ds)
	if !ok {
		return syncErr(g.Wait(ctx))
	}
	g.see(last)
	if last <= g.stored.Load() {
		return nil
	}
	if err := g.Join(ctx); err != nil {
		return syncErr(err)
	}
	if last <= g.stored.Load() {
		return nil
	}
	return syncErr(g.Wait(ctx))
}

// see records that a message of sequence seq was fetched, or published.
func (g *groupCommit) see(seq uint64) {
	for old := g.seen.Load(); seq > old && !g.seen.CompareAndSwap(old, seq); old = g.seen.Load() {
	}
}

// lastSequence returns the highest stream sequence of ds, or false if
// one of them is not from g's stream or does not say.
func (g *groupCommit) lastSequence(ds []*delivery) (uint64, bool) {
	var last uint64
	var prev *nats.Msg
	for _, d := range ds {
		if d.m == prev {
			continue // the next message of the same pack
		}
		prev = d.m
		md, err := d.m.Metadata()
		if err != nil || md.Stream != g.stream {
			return 0, false
		}
		last = max(last, md.Sequence.Stream)
	}
	return last, true
}

func syncErr(err error) error {
	if err != nil {
		return fmt.Errorf("transport/natsjs: wait for the server's fsync: %w", err)
	}
	return nil
}

// GroupCommit reports whether the server group-commits: whether this
// transport waits for its fsyncs (see embedded.DurabilityPowerLoss).
func (t *Transport) GroupCommit() bool { return t.synced != nil }
