package e2e_test

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport/natsjs"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Gate is a service whose task waits until the test opens the gate.
type Gate interface {
	Pass(ctx context.Context, n int) (int, error)
}

type gateImpl struct {
	entered chan struct{}
	open    chan struct{}
}

func (g gateImpl) Pass(ctx context.Context, n int) (int, error) {
	g.entered <- struct{}{}
	select {
	case <-g.open:
		return n, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

type GateFlow interface {
	Through(ctx workflow.Context, n int) (int, error)
}

type gateFlow struct{}

func (gateFlow) Through(ctx workflow.Context, n int) (int, error) {
	return workflow.Call(ctx, Gate.Pass, n)
}

// After a restart of the NATS server (a separate server on its own port,
// reached over TCP), workers and clients resume as soon as they
// reconnect: they do not wait for a lost pull request's heartbeat timeout
// (about 10 s) to fetch again.
func TestAwaitResumesSoonAfterServerRestart(t *testing.T) {
	ctx := testCtx(t)
	quiet := slog.New(slog.DiscardHandler) // fetches fail while the server is down
	dir := t.TempDir()
	srv, err := embedded.Start(embedded.Config{DataDir: dir, Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(srv.ClientURL()[len("nats://"):])
	restarted := false
	defer func() {
		if !restarted {
			srv.Shutdown()
		}
	}()
	nc, err := srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	reconnected := nc.StatusChanged(nats.CONNECTED)
	defer nc.RemoveStatusListener(reconnected)
	tr, err := natsjs.New(ctx, nc, natsjs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	st, err := natskv.New(ctx, nc, natskv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	gate := gateImpl{entered: make(chan struct{}, 1), open: make(chan struct{})}
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.AddService[Gate](w, gate); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(w, func() GateFlow { return gateFlow{} }); err != nil {
		t.Fatal(err)
	}
	wctx, stopWorker := context.WithCancel(ctx)
	stopped := make(chan error, 1)
	go func() { stopped <- w.Run(wctx) }()
	defer func() { stopWorker(); <-stopped }()
	c, err := client.New(ctx, client.Config{Transport: tr, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	run, err := client.Start(ctx, c, GateFlow.Through, 7)
	if err != nil {
		t.Fatal(err)
	}
	<-gate.entered
	srv.Shutdown()
	restarted = true
	srv, err = embedded.Start(embedded.Config{DataDir: dir, Listen: "127.0.0.1:" + port})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	back := time.Now()
	select {
	case <-reconnected:
	case <-ctx.Done():
		t.Fatal("the connection did not come back")
	}
	t.Logf("reconnected %v after the server was back", time.Since(back))
	close(gate.open)
	got, err := run.Await(ctx)
	if err != nil || got != 7 {
		t.Fatalf("Await = %d, %v", got, err)
	}
	delay := time.Since(back)
	t.Logf("Await returned %v after the server was back", delay)
	// Bounded well under the ~10 s of a lost pull request's heartbeats.
	if delay > 5*time.Second {
		t.Fatalf("Await returned %v after the server was back: consumers waited for heartbeats", delay)
	}
}
