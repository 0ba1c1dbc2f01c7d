package natsjs

import (
	"sync"

	"github.com/nats-io/nats.go"
)

// reconnects tells waiting fetches that the connection came back. A pull
// request lives on the server it was sent to: after a server restart it
// is gone, and the client would only notice when two heartbeats are
// missing (about 10 s). Fetches waiting on it give up at the reconnect
// and pull again at once instead.
type reconnects struct {
	nc     *nats.Conn
	events chan nats.Status
	done   chan struct{}

	mu   sync.Mutex
	next chan struct{} // closed, then replaced, at each reconnect
}

// watchReconnects starts watching nc's reconnects; stop ends it.
func watchReconnects(nc *nats.Conn) *reconnects {
	r := &reconnects{nc: nc, events: nc.StatusChanged(nats.CONNECTED), done: make(chan struct{}), next: make(chan struct{})}
	go r.run()
	return r
}

func (r *reconnects) run() {
	defer close(r.done)
	for range r.events { // until stop closes events
		r.mu.Lock()
		close(r.next)
		r.next = make(chan struct{})
		r.mu.Unlock()
	}
}

// Next returns a channel closed at the next reconnect.
func (r *reconnects) Next() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.next
}

func (r *reconnects) stop() {
	r.nc.RemoveStatusListener(r.events)
	<-r.done
}
