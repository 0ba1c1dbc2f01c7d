package engine

import (
	"context"
	"errors"
	"time"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
)

// expiresByTTL tells whether the store deletes finished instance st by
// itself at the end of the retention (store.Expirer): its index entries
// are written with a time to live, and its state once its outbox is
// published (expirePublished); finishing schedules no expire message.
// Not for an instance with a custom id, whose key must be released before
// the state (deleteExpired), nor for one that keeps history chunks (a
// failed instance), written before it finished: those are deleted by the
// engine when their expire message comes.
func (e *WorkflowEngine) expiresByTTL(st *wire.State) bool {
	if e.cfg.Retention <= 0 || st == nil || st.Status == wire.StatusRunning || st.Status == 0 || st.Sealed > 0 {
		return false
	}
	if _, custom := wire.CustomIDOf(st.Tags); custom {
		return false
	}
	x, ok := e.Store.(store.Expirer)
	return ok && x.Expires()
}

// ttl is the time to live of st's state and index entries when the store
// deletes them (expiresByTTL), else 0: what is left of the retention,
// counted from the end, so that writing a finished instance again keeps
// its deadline.
func (e *WorkflowEngine) ttl(st *wire.State, now time.Time) time.Duration {
	if !e.expiresByTTL(st) {
		return 0
	}
	end := st.Ended
	if end.IsZero() { // stored without its end time
		end = now
	}
	return max(end.Add(e.cfg.Retention).Sub(now), time.Nanosecond)
}

// expirePublished writes again, with their time to live, the states of
// the finished instances of rs that the store deletes by itself
// (expiresByTTL), once their messages are published (errs[i] nil): a
// state that expired before its outbox was published would lose it (the
// redelivered message would find no state to publish it from). A write
// that fails leaves the messages for redelivery: it loads the state,
// publishes its outbox again and comes back here. A conflict means that a
// newer step wrote the state, and its commit does the same.
func (e *WorkflowEngine) expirePublished(ctx context.Context, rs []applied, errs []error) {
	var writes []store.Write
	var of []int // the index in rs of each write
	now := e.Clock.Now()
	for i, r := range rs {
		in := r.res.in
		if errs[i] != nil || in == nil || in.version == 0 || !e.expiresByTTL(in.state) {
			continue
		}
		writes = append(writes, store.Write{Key: wire.StateKey(in.state.Workflow, in.id), Value: in.stored,
			Expected: in.version, TTL: e.ttl(in.state, now)})
		of = append(of, i)
	}
	if len(writes) == 0 {
		return
	}
	_, failed := e.Store.(store.Expirer).Pipeline(ctx, writes)
	for k, err := range failed {
		if err != nil && !errors.Is(err, store.ErrConflict) {
			errs[of[k]] = err
		}
	}
}
