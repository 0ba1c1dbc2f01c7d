package engine

import (
	"context"
	"errors"
	"sync"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// publisher groups the messages that concurrent tasks publish into one
// transport call (group commit): under load, one round trip carries many
// task outcomes instead of one each. A caller that finds no publication
// in flight publishes at once, on its own goroutine (a handoff to a
// publishing goroutine costs a wake-up); the requests that queue
// meanwhile go together in the next call.
type publisher struct {
	t transport.Transport

	mu       sync.Mutex
	inFlight bool             // a publication is in flight
	queue    []publishRequest // for the next one
}

type publishRequest struct {
	msgs []wire.Outgoing // published in this order (see transport.LogPrefix)
	done chan error
}

// maxGroup bounds the requests of one grouped publish.
const maxGroup = 512

func newPublisher(t transport.Transport) *publisher {
	return &publisher{t: t}
}

// publish sends msgs with the next group and returns when they are
// durably published (or failed).
func (p *publisher) publish(ctx context.Context, msgs ...wire.Outgoing) error {
	r := publishRequest{msgs: msgs, done: make(chan error, 1)}
	p.mu.Lock()
	if p.inFlight {
		p.queue = append(p.queue, r)
		p.mu.Unlock()
		return <-r.done
	}
	p.inFlight = true
	p.mu.Unlock()
	p.send(ctx, []publishRequest{r})
	if p.more() {
		// Those that queued meanwhile go on another goroutine: this
		// caller's task is done and must be acked.
		go p.drain(ctx)
	}
	return <-r.done
}

// more reports whether requests are queued; if not, no publication is in
// flight any more.
func (p *publisher) more() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight = len(p.queue) > 0
	return p.inFlight
}

// drain publishes the queued requests, maxGroup at a time, until none
// is left.
func (p *publisher) drain(ctx context.Context) {
	for p.more() {
		p.mu.Lock()
		n := min(len(p.queue), maxGroup)
		group := p.queue[:n]
		p.queue = append([]publishRequest(nil), p.queue[n:]...) // drops the sent ones' data
		p.mu.Unlock()
		p.send(ctx, group)
	}
}

// send publishes the messages of group in one call and tells each
// request its outcome.
func (p *publisher) send(ctx context.Context, group []publishRequest) {
	var msgs []wire.Outgoing
	for _, r := range group {
		msgs = append(msgs, r.msgs...)
	}
	err := publishMerged(ctx, p.t, msgs, nil)
	for _, r := range group {
		if errors.Is(err, transport.ErrInvalidMessage) && len(group) > 1 {
			// Tell each its own outcome: only the refused ones fail.
			r.done <- publish(ctx, p.t, r.msgs)
			continue
		}
		r.done <- err
	}
}
