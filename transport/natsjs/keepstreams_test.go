package natsjs_test

import (
	"context"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/transport/natsjs"
)

// A tool (KeepStreams) leaves a deployment's streams as the workers
// configured them; a worker with other settings updates them.
func TestKeepStreams(t *testing.T) {
	nc := connect(t, startServer(t, t.TempDir()))
	js, err := jetstreamNew(nc)
	if err != nil {
		t.Fatal(err)
	}
	cfg := uniqueConfig()
	cfg.LogStream = cfg.Stream + "_LOG"
	maxAge := func() time.Duration {
		t.Helper()
		s, err := js.Stream(context.Background(), cfg.LogStream)
		if err != nil {
			t.Fatal(err)
		}
		return s.CachedInfo().Config.MaxAge
	}
	worker := cfg
	worker.LogMaxAge = 30 * 24 * time.Hour
	newTransport(t, nc, worker)
	tool := cfg
	tool.KeepStreams = true
	newTransport(t, nc, tool)
	if got := maxAge(); got != worker.LogMaxAge {
		t.Errorf("after a tool: log max age %v, want the worker's %v", got, worker.LogMaxAge)
	}
	newTransport(t, nc, cfg) // a worker with the defaults
	if got := maxAge(); got != natsjs.DefaultLogMaxAge {
		t.Errorf("after a worker: log max age %v, want %v", got, natsjs.DefaultLogMaxAge)
	}
	// A missing stream is created by a tool too.
	fresh := uniqueConfig()
	fresh.LogStream, fresh.KeepStreams = fresh.Stream+"_LOG", true
	newTransport(t, nc, fresh)
	if _, err := js.Stream(context.Background(), fresh.Stream); err != nil {
		t.Errorf("a tool did not create the missing stream: %v", err)
	}
}
