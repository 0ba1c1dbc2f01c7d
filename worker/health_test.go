package worker_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
)

type Pinger interface {
	Ping(ctx context.Context) (string, error)
}

type pinger struct{}

func (pinger) Ping(context.Context) (string, error) { return "pong", nil }

func probe(t *testing.T, addr, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// The probes say ready only while the worker's consumers are bound.
func TestHealthProbes(t *testing.T) {
	tr, st := memory.New(), memstore.New()
	t.Cleanup(func() { _ = tr.Close(); _ = st.Close() })
	w, err := worker.New(worker.Config{Transport: tr, Store: st, HealthAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.AddService[Pinger](w, pinger{}); err != nil {
		t.Fatal(err)
	}
	if err := w.Ready(); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Fatalf("before Run: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for w.HealthAddr() == "" || w.Ready() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("never ready: %v", w.Ready())
		}
		time.Sleep(time.Millisecond)
	}
	addr := w.HealthAddr()
	if code, body := probe(t, addr, "/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	if code, body := probe(t, addr, "/readyz"); code != http.StatusOK || body != "ready\n" {
		t.Fatalf("/readyz: %d %q", code, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := w.Ready(); err == nil {
		t.Fatal("ready after Run returned")
	}
	if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatal("probes still served after Run returned")
	}
}
