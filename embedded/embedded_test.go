package embedded_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/goleak"

	"github.com/infinitic-go/infinitic/embedded"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestInProcessRestartKeepsData(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := embedded.Start(embedded.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if s.ClientURL() != "" {
		t.Errorf("ClientURL() = %q without Listen", s.ClientURL())
	}
	nc, err := s.Connect()
	if err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	nc.Close()
	s.Shutdown()

	s, err = embedded.Start(embedded.Config{DataDir: dir, SyncAlways: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	nc, err = s.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ = jetstream.New(nc)
	kv, err = js.KeyValue(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	e, err := kv.Get(ctx, "k")
	if err != nil || string(e.Value()) != "v" {
		t.Fatalf("after restart Get = %v, %v", e, err)
	}
}

func TestListen(t *testing.T) {
	s, err := embedded.Start(embedded.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	if !strings.HasPrefix(s.ClientURL(), "nats://127.0.0.1:") {
		t.Fatalf("ClientURL() = %q", s.ClientURL())
	}
	nc, err := s.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if nc.ConnectedUrl() == "" {
		t.Fatalf("not connected over TCP")
	}
}

func TestBadConfig(t *testing.T) {
	for _, l := range []string{"nope", "127.0.0.1:x", "127.0.0.1:70000"} {
		if _, err := embedded.Start(embedded.Config{DataDir: t.TempDir(), Listen: l}); err == nil {
			t.Errorf("Listen %q accepted", l)
		}
	}
}

// Two servers never open one data directory: the second fails with a
// message that says so, and the directory is free again after Shutdown.
func TestDataDirLocked(t *testing.T) {
	dir := t.TempDir()
	s, err := embedded.Start(embedded.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := embedded.Start(embedded.Config{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "in use by another infinitic server") {
		t.Fatalf("second server on the same data dir: want an in-use error, got %v", err)
	}
	s.Shutdown()
	s, err = embedded.Start(embedded.Config{DataDir: dir})
	if err != nil {
		t.Fatalf("after Shutdown: %v", err)
	}
	s.Shutdown()
}
