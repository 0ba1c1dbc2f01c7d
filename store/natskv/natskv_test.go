package natskv_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/goleak"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/internal/testserver"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/store/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var bucketSeq atomic.Int64

func run(t *testing.T, nc *nats.Conn, bucket string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Create the bucket once, before the parallel cases open it.
	s, err := natskv.New(ctx, nc, natskv.Config{Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	storetest.Run(t, func(t *testing.T) store.Store {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := natskv.New(ctx, nc, natskv.Config{Bucket: bucket})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestConformanceEmbedded(t *testing.T) {
	s, err := embedded.Start(embedded.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	nc, err := s.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	run(t, nc, fmt.Sprintf("b%d", bucketSeq.Add(1)))
}

// TestConformanceExternal runs the suite against the external server (see
// testserver.NATS): skipped when it is unreachable, unless
// INFINITIC_REQUIRE_SERVERS=1.
func TestConformanceExternal(t *testing.T) {
	nc := testserver.NATS(t)
	bucket := fmt.Sprintf("infinitic_test_%d", time.Now().UnixNano())
	t.Cleanup(func() {
		js, _ := jetstream.New(nc)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = js.DeleteKeyValue(ctx, bucket)
	})
	run(t, nc, bucket)
}
