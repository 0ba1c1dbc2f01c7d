package engine

import (
	"context"
	"errors"
	"time"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// mergedRetryFor bounds how long a publication whose events were merged
// is tried again as it is (see publishMerged).
const mergedRetryFor = 30 * time.Second

// publishMerged publishes out, its event messages merged into one per
// workflow (wire.MergeEvents), then apart as they are: what several
// instances' steps or several tasks publish together costs one event
// message instead of one each (11 → 8 messages per 2-task workflow under
// load for the engine's). A merged message is dropped as a copy only under
// the same id, so a failed publication is tried again as it is (for
// mergedRetryFor at most, unless refused or closed) rather than left to
// the callers, whose messages published again in other groups would put
// copies of their events in the stream (Listen and Read drop those).
func publishMerged(ctx context.Context, t transport.Transport, out, apart []wire.Outgoing) error {
	merged := wire.MergeEvents(out)
	n := len(merged)
	merged = append(merged, apart...)
	err := publish(ctx, t, merged)
	if n == len(out) {
		return err
	}
	deadline := time.Now().Add(mergedRetryFor)
	for delay := 10 * time.Millisecond; err != nil && time.Now().Before(deadline); delay = min(2*delay, time.Second) {
		if errors.Is(err, transport.ErrInvalidMessage) || errors.Is(err, transport.ErrClosed) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		err = publish(ctx, t, merged)
	}
	return err
}
