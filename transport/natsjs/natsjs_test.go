package natsjs_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"go.uber.org/goleak"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/internal/testserver"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/natsjs"
	"github.com/infinitic-go/infinitic/transport/transporttest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var streamSeq atomic.Int64

// uniqueConfig returns a config with its own streams and subjects, so that
// tests can share one server.
func uniqueConfig() natsjs.Config {
	n := streamSeq.Add(1)
	return natsjs.Config{
		Stream: fmt.Sprintf("T%d", n),
		Prefix: fmt.Sprintf("t%d", n),
	}
}

func startServer(t *testing.T, dir string) *embedded.Server {
	t.Helper()
	s, err := embedded.Start(embedded.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	return s
}

func connect(t *testing.T, s *embedded.Server) *nats.Conn {
	t.Helper()
	nc, err := s.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

func newTransport(t *testing.T, nc *nats.Conn, cfg natsjs.Config) *natsjs.Transport {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tr, err := natsjs.New(ctx, nc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Close() })
	return tr
}

func TestConformanceEmbedded(t *testing.T) {
	s := startServer(t, t.TempDir())
	nc := connect(t, s)
	cfg := uniqueConfig()
	transporttest.Run(t, func(t *testing.T) transport.Transport {
		return newTransport(t, nc, cfg)
	})
}

func TestConformanceRedeliveryTimers(t *testing.T) {
	s := startServer(t, t.TempDir())
	nc := connect(t, s)
	cfg := uniqueConfig()
	cfg.Timers = natsjs.TimersRedelivery
	transporttest.Run(t, func(t *testing.T) transport.Transport {
		return newTransport(t, nc, cfg)
	})
}

// TestConformanceExternal runs the suite against the external server (see
// testserver.NATS): skipped when it is unreachable, unless
// INFINITIC_REQUIRE_SERVERS=1.
func TestConformanceExternal(t *testing.T) {
	nc := testserver.NATS(t)
	cfg := uniqueConfig()
	cfg.Stream = fmt.Sprintf("%s_%d", cfg.Stream, time.Now().UnixNano())
	cfg.Prefix = fmt.Sprintf("%s_%d", cfg.Prefix, time.Now().UnixNano())
	t.Cleanup(func() {
		js, _ := jetstreamNew(nc)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, stream := range []string{cfg.Stream, cfg.Stream + "_DLQ", cfg.Stream + "_LOG"} {
			_ = js.DeleteStream(ctx, stream) // the log's reserved size would fill the server's storage
		}
	})
	var quirks []transporttest.Option
	if v := nc.ConnectedServerVersion(); !natsjs.VersionAtLeast(v, 2, 10) {
		quirks = append(quirks, transporttest.UncountedCloseRedeliveries())
	}
	transporttest.Run(t, func(t *testing.T) transport.Transport {
		return newTransport(t, nc, cfg)
	}, quirks...)
}
