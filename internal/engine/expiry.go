package engine

import (
	"time"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
)

// expiresByTTL tells whether the store deletes finished instance st by
// itself at the end of the retention (store.Expirer): its state and index
// entries are written with a time to live, and finishing schedules no
// expire message. Not for an instance with a custom id, whose key must be
// released before the state (deleteExpired), nor for one that keeps
// history chunks (a failed instance), written before it finished: those
// are deleted by the engine when their expire message comes.
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

// ttl is the time to live of st's state and new index entries when the
// store deletes them (expiresByTTL), else 0: what is left of the
// retention, counted from the end, so that writing a finished instance
// again keeps its deadline.
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
