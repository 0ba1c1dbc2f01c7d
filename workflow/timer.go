package workflow

import (
	"time"

	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Timer returns a Deferred that completes with the firing time after d.
// Timers are durable: they fire even if every process was down meanwhile.
func Timer(ctx Context, d time.Duration) Deferred[time.Time] {
	co, err := from(ctx)
	if err != nil {
		return failed[time.Time](err)
	}
	return TimerUntil(ctx, co.Runtime().Now().Add(d))
}

// TimerUntil returns a Deferred that completes at instant t (at once if t
// is past).
func TimerUntil(ctx Context, t time.Time) Deferred[time.Time] {
	co, err := from(ctx)
	if err != nil {
		return failed[time.Time](err)
	}
	f := co.Issue(replay.Request{Command: wire.Command{Kind: wire.CommandTimer}, At: t}, decodeTime)
	return Deferred[time.Time]{f: f}
}

// Sleep waits for d: Timer then Await.
func Sleep(ctx Context, d time.Duration) error {
	_, err := Timer(ctx, d).Await(ctx)
	return err
}

// decodeTime reads a timer's firing time (RFC 3339).
func decodeTime(b []byte) (any, error) {
	var t time.Time
	err := t.UnmarshalText(b)
	return t, err
}
