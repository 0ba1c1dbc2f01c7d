package natskv_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/store/natskv"
)

// A key over store.MaxKeyLength is refused before it reaches the server,
// which would close the connection over such a subject; the connection
// keeps working. MaxValueSize tells the server's limit.
func TestLongKeysRefusedConnectionKept(t *testing.T) {
	srv, err := embedded.Start(embedded.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	nc, err := srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := natskv.New(ctx, nc, natskv.Config{Bucket: "limits"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	long := "state.W." + strings.Repeat("k", 5000)
	if _, err := s.Put(ctx, long, []byte("v"), 0); !errors.Is(err, store.ErrKeyTooLong) {
		t.Errorf("Put: want ErrKeyTooLong, got %v", err)
	}
	if _, _, err := s.Get(ctx, long); !errors.Is(err, store.ErrKeyTooLong) {
		t.Errorf("Get: want ErrKeyTooLong, got %v", err)
	}
	if _, err := s.Keys(ctx, long, "", 10); !errors.Is(err, store.ErrKeyTooLong) {
		t.Errorf("Keys: want ErrKeyTooLong, got %v", err)
	}
	if _, err := s.Put(ctx, "state.W.ok", []byte("v"), 0); err != nil || !nc.IsConnected() {
		t.Fatalf("after the long keys: %v (connected: %v)", err, nc.IsConnected())
	}
	if got := s.MaxValueSize(); got <= 0 || got > int(nc.MaxPayload()) {
		t.Errorf("MaxValueSize %d, server max payload %d", got, nc.MaxPayload())
	}
}
