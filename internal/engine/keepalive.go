package engine

import (
	"sync"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

// keepAlive extends d's ack timeout (transport.Extender) a third of it at
// a time until the returned stop is called, so that a task running longer
// than the transport's ack timeout is not delivered again, and run again,
// while it runs. It does nothing for deliveries that cannot be extended.
func keepAlive(d transport.Delivery) (stop func()) {
	e, ok := d.(transport.Extender)
	if !ok || e.AckTimeout() <= 0 {
		return func() {}
	}
	every := e.AckTimeout() / 3
	var mu sync.Mutex
	stopped := false
	var timer *time.Timer
	mu.Lock() // timer is set before its function reads it
	defer mu.Unlock()
	timer = time.AfterFunc(every, func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		_ = e.Extend() // failed: redelivered after the ack timeout, as without
		timer.Reset(every)
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		timer.Stop()
	}
}
