package worker

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// Ready tells whether the worker is ready to work (nil) or why not: it is
// ready while it runs and the consumers of all its services and workflows
// are bound to the transport. Config.HealthAddr serves it as /readyz.
func (w *Worker) Ready() error {
	w.mu.Lock()
	running, stopping := w.running, w.stopping
	var subjects []string
	for name := range w.seen {
		kind, n, _ := strings.Cut(name, " ")
		if kind == "service" {
			subjects = append(subjects, wire.ServiceSubject(n))
		} else {
			subjects = append(subjects, wire.WorkflowSubject(n), wire.WorkflowInternalSubject(n))
		}
	}
	w.mu.Unlock()
	switch {
	case !running:
		return fmt.Errorf("worker not running")
	case stopping:
		return fmt.Errorf("worker shutting down")
	}
	var unbound []string
	for _, s := range subjects {
		if !w.consumers.bound(s) {
			unbound = append(unbound, s)
		}
	}
	if len(unbound) > 0 {
		sort.Strings(unbound)
		return fmt.Errorf("consumers not bound yet: %s", strings.Join(unbound, ", "))
	}
	return nil
}

// consumers wraps the worker's transport to know which subjects have an
// open consumer. It keeps the optional interfaces of the transport that
// the engine uses (transport.Limited).
type consumers struct {
	transport.Transport
	mu   sync.Mutex
	open map[string]int // subject → open consumers
}

func (c *consumers) Consume(ctx context.Context, subject, group string) (transport.Consumer, error) {
	cons, err := c.Transport.Consume(ctx, subject, group)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.open[subject]++
	c.mu.Unlock()
	return &consumer{Consumer: cons, release: func() {
		c.mu.Lock()
		c.open[subject]--
		c.mu.Unlock()
	}}, nil
}

// MaxMessageSize forwards transport.Limited (no limit if the transport
// has none).
func (c *consumers) MaxMessageSize() int {
	if l, ok := c.Transport.(transport.Limited); ok {
		return l.MaxMessageSize()
	}
	return math.MaxInt
}

func (c *consumers) bound(subject string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.open[subject] > 0
}

type consumer struct {
	transport.Consumer
	once    sync.Once
	release func()
}

func (c *consumer) Close() error {
	c.once.Do(c.release)
	return c.Consumer.Close()
}
