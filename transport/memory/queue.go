package memory

import (
	"container/heap"
	"math/rand/v2"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

// entry is one copy of a message in one queue.
type entry struct {
	msg      transport.Message
	seq      uint64    // publication order, breaks ties between equal times
	at       time.Time // not delivered before (zero: now)
	attempt  int       // deliveries so far
	gen      uint64    // incremented at each delivery; stale deliveries differ
	owner    *consumer // consumer holding it while in flight
	deadline time.Time // ack timeout while in flight (zero: none)
}

// queue is the work queue of one (subject, group).
type queue struct {
	ready    []*entry
	delayed  entryHeap
	inflight map[*entry]struct{}

	acked     uint64 // entries acknowledged or dead-lettered (Inspect)
	consumers int    // open consumers (Inspect)
}

func newQueue() *queue { return &queue{inflight: make(map[*entry]struct{})} }

// add enqueues e; it becomes ready at e.at (promote moves it).
func (q *queue) add(e *entry) {
	if e.at.IsZero() {
		q.ready = append(q.ready, e)
		return
	}
	heap.Push(&q.delayed, e)
}

// promote makes due delayed entries ready and requeues in-flight entries
// whose ack deadline passed.
func (q *queue) promote(now time.Time) {
	for len(q.delayed) > 0 && !q.delayed[0].at.After(now) {
		e := heap.Pop(&q.delayed).(*entry)
		e.at = time.Time{}
		q.ready = append(q.ready, e)
	}
	for e := range q.inflight {
		if !e.deadline.IsZero() && !e.deadline.After(now) {
			q.requeue(e)
		}
	}
}

// requeue takes e out of flight and makes it ready again.
func (q *queue) requeue(e *entry) {
	delete(q.inflight, e)
	e.owner, e.deadline = nil, time.Time{}
	e.gen++
	q.ready = append(q.ready, e)
}

// take removes up to n ready entries, in FIFO order or drawn with rng.
func (q *queue) take(n int, rng *rand.Rand) []*entry {
	n = min(n, len(q.ready))
	out := make([]*entry, 0, n)
	if rng == nil {
		out = append(out, q.ready[:n]...)
		clear(q.ready[:n])
		q.ready = q.ready[n:]
		return out
	}
	for range n {
		i := rng.IntN(len(q.ready))
		out = append(out, q.ready[i])
		last := len(q.ready) - 1
		q.ready[i] = q.ready[last]
		q.ready[last] = nil
		q.ready = q.ready[:last]
	}
	return out
}

// nextWake is the earliest clock time at which the queue changes by itself.
func (q *queue) nextWake() (time.Time, bool) {
	var next time.Time
	if len(q.delayed) > 0 {
		next = q.delayed[0].at
	}
	for e := range q.inflight {
		if !e.deadline.IsZero() && (next.IsZero() || e.deadline.Before(next)) {
			next = e.deadline
		}
	}
	return next, !next.IsZero()
}

func (q *queue) size() int { return len(q.ready) + len(q.delayed) + len(q.inflight) }

// entryHeap orders delayed entries by time, then publication order.
type entryHeap []*entry

func (h entryHeap) Len() int { return len(h) }
func (h entryHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h entryHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *entryHeap) Push(x any)   { *h = append(*h, x.(*entry)) }
func (h *entryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}
