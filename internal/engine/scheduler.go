package engine

import (
	"context"
	"sync"

	"github.com/infinitic-go/infinitic/transport"
)

// scheduler hands the fetched messages of a workflow engine to its
// goroutines, one job per instance, and commits what they produce.
//
//   - An instance is handled by one goroutine at a time, from its load to
//     the publication of its outbox (after which it is cached). Messages
//     that arrive for it meanwhile wait, and are applied together in its
//     next job (one load, one save).
//   - Other instances never wait for a slow one: there is no batch to
//     finish before the next fetch, so no head-of-line blocking.
//   - Commits are grouped: the results that became ready while the
//     previous publish was in flight are published in one call, then
//     their deliveries are settled. The goroutine whose result finds no
//     commit in flight commits at once, then the results that queued
//     meanwhile: no handoff to a committer goroutine (each wake-up costs
//     latency).
//   - At most window deliveries are in flight (fetched, not settled):
//     beyond that, fetching waits.
type scheduler struct {
	e      *WorkflowEngine
	ctx    context.Context // for processing and committing: not canceled by shutdown
	window int

	mu         sync.Mutex
	ready      *sync.Cond // a job is queued, or the scheduler closes
	queue      []job
	busy       map[string][]item // instances with a job → messages waiting for them
	inflight   int               // deliveries fetched and not settled
	closing    bool
	committing bool      // a goroutine is committing
	results    []applied // waiting for the commit in flight to end

	room    chan struct{} // signaled when deliveries are settled
	workers sync.WaitGroup
}

// job is the messages of one instance to apply.
type job struct {
	id    string
	items []item
}

// applied is a job and what processing it gave.
type applied struct {
	job
	res stepResult
}

// newScheduler starts n goroutines.
func newScheduler(ctx context.Context, e *WorkflowEngine, n, window int) *scheduler {
	s := &scheduler{e: e, ctx: ctx, window: window, busy: map[string][]item{}, room: make(chan struct{}, 1)}
	s.ready = sync.NewCond(&s.mu)
	for range n {
		s.workers.Go(s.work)
	}
	return s
}

// add queues the jobs of a batch fetched from the public subject or the
// internal one (see group), then waits until fewer than
// window deliveries are in flight (or ctx ends).
func (s *scheduler) add(ctx context.Context, ds []transport.Delivery, public bool) {
	groups, order := s.e.group(ds, public)
	s.mu.Lock()
	for _, id := range order {
		items := groups[id]
		s.inflight += len(items)
		if waiting, busy := s.busy[id]; busy {
			s.busy[id] = append(waiting, items...)
			continue
		}
		s.busy[id] = nil
		s.queue = append(s.queue, job{id, items})
		s.ready.Signal() // one goroutine per job: waking all of them costs CPU
	}
	s.mu.Unlock()
	for s.inFlight() >= s.window {
		select {
		case <-s.room:
		case <-ctx.Done():
			return
		}
	}
}

func (s *scheduler) inFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inflight
}

// work processes jobs until the scheduler closes.
func (s *scheduler) work() {
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && !s.closing {
			s.ready.Wait()
		}
		if len(s.queue) == 0 {
			s.mu.Unlock()
			return
		}
		j := s.queue[0]
		s.queue[0] = job{}
		s.queue = s.queue[1:]
		s.mu.Unlock()
		s.commit(applied{j, s.e.process(s.ctx, j.id, j.items)})
	}
}

// commit publishes and settles r now if no commit is in flight, then the
// results that queued meanwhile, in groups, until none is left; otherwise
// r waits for the next group.
func (s *scheduler) commit(r applied) {
	s.mu.Lock()
	if s.committing {
		s.results = append(s.results, r)
		s.mu.Unlock()
		return
	}
	s.committing = true
	s.mu.Unlock()
	for rs := []applied{r}; len(rs) > 0; {
		s.e.commit(s.ctx, rs)
		s.mu.Lock()
		s.release(rs)
		rs, s.results = s.results, nil
		s.committing = len(rs) > 0
		s.mu.Unlock()
		select {
		case s.room <- struct{}{}:
		default:
		}
	}
}

// release ends the jobs of committed results: an instance with messages
// waiting gets its next job, the others are free. s.mu is held.
func (s *scheduler) release(rs []applied) {
	for _, r := range rs {
		s.inflight -= len(r.items)
		if waiting := s.busy[r.id]; len(waiting) > 0 {
			s.busy[r.id] = nil
			s.queue = append(s.queue, job{r.id, waiting})
			s.ready.Signal()
		} else {
			delete(s.busy, r.id)
		}
	}
}

// close waits until every fetched delivery is settled, then stops the
// goroutines.
func (s *scheduler) close() {
	for s.inFlight() > 0 {
		<-s.room
	}
	s.mu.Lock()
	s.closing = true
	s.ready.Broadcast()
	s.mu.Unlock()
	s.workers.Wait()
}
