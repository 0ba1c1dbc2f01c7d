package crashtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/internal/health"
	"github.com/infinitic-go/infinitic/schedule"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport/natsjs"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
	"github.com/nats-io/nats.go"
)

// The workload: Step is a task whose result carries a nonce that differs
// at each execution, so a workflow completed twice along different paths
// would give two different results.

type Steps interface {
	Step(ctx context.Context, in int) (StepOut, error)
}

type StepOut struct {
	Value int
	Nonce string
}

type steps struct{ log *os.File }

func (s steps) Step(ctx context.Context, in int) (StepOut, error) {
	task, _ := infinitic.TaskFrom(ctx)
	// One line per execution, with O_APPEND: survives kill -9 of the process.
	if _, err := fmt.Fprintf(s.log, "%s\n", task.ID); err != nil {
		return StepOut{}, err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	return StepOut{Value: in*2 + 1, Nonce: hex.EncodeToString(b[:])}, nil
}

type Flows interface {
	Two(ctx workflow.Context, n int) (string, error)
	WithTimer(ctx workflow.Context, n int) (string, error)
	WithChild(ctx workflow.Context, n int) (string, error)
}

type flows struct{}

func (flows) Two(ctx workflow.Context, n int) (string, error) {
	a, err := workflow.Call(ctx, Steps.Step, n)
	if err != nil {
		return "", err
	}
	b, err := workflow.Call(ctx, Steps.Step, a.Value)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d:%s:%s", b.Value, a.Nonce, b.Nonce), nil
}

func (f flows) WithTimer(ctx workflow.Context, n int) (string, error) {
	if err := workflow.Sleep(ctx, 2*time.Second); err != nil {
		return "", err
	}
	return f.Two(ctx, n)
}

func (flows) WithChild(ctx workflow.Context, n int) (string, error) {
	r, err := workflow.CallChild(ctx, Flows.Two, n)
	return "child:" + r, err
}

// expectedValue is the Value part of a workflow's result.
func expectedValue(n int) int { return (n*2+1)*2 + 1 }

// runServer runs the embedded server with a TCP port and durability
// ("": the default) until killed.
func runServer(dir, listen, durability string) error {
	d, err := embedded.ParseDurability(durability)
	if err != nil {
		return err
	}
	srv, err := embedded.Start(embedded.Config{DataDir: dir, Listen: listen, Durability: d})
	if err != nil {
		return err
	}
	defer srv.Shutdown()
	fmt.Println("ready", srv.ClientURL())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	return nil
}

// runNode runs one node of a cluster with a TCP port until killed, with
// its JetStream health (streams, consumers and the cluster's metadata
// current on this node: nats-server's Healthz) on /readyz of healthAddr.
func runNode(dir, name, listen, clusterListen, routes, healthAddr string) error {
	srv, err := embedded.Start(embedded.Config{DataDir: dir, Listen: listen, ServerName: name,
		Cluster: embedded.Cluster{Name: "crashtest", Listen: clusterListen, Routes: strings.Split(routes, ",")},
		Logger:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})).With("node", name)})
	if err != nil {
		return err
	}
	defer srv.Shutdown()
	probes, err := health.Listen(healthAddr, func() error {
		if h := srv.NATSServer().Healthz(nil); h.Status != "ok" {
			return errors.New(h.Error)
		}
		return nil
	}, nil)
	if err != nil {
		return err
	}
	defer func() { _ = probes.Close() }()
	fmt.Println("ready", srv.ClientURL())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	return nil
}

// connect dials url, retrying forever: the server may be down for a while.
func connect(url string) (*nats.Conn, error) {
	return nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond),
		nats.RetryOnFailedConnect(true), nats.Timeout(2*time.Second))
}

// backend opens the transport and the store over a connection, with
// replicas, retrying while the server is unavailable.
func backend(ctx context.Context, nc *nats.Conn, replicas int) (*natsjs.Transport, *natskv.Store, error) {
	for {
		tr, err := natsjs.New(ctx, nc, natsjs.Config{AckWait: 5 * time.Second, Replicas: replicas})
		if err == nil {
			st, serr := natskv.New(ctx, nc, natskv.Config{Replicas: replicas})
			if serr == nil {
				return tr, st, nil
			}
			err = serr
		}
		select {
		case <-ctx.Done():
			return nil, nil, err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Which part of the workload a worker hosts.
const (
	hostAll       = ""
	hostServices  = "services"
	hostWorkflows = "workflows"
)

// runWorker runs the service, the workflows or both (hosts) until killed,
// on streams and a bucket with replicas.
func runWorker(url, execLog, hosts string, replicas int) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	log, err := os.OpenFile(execLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	nc, err := connect(url)
	if err != nil {
		return err
	}
	tr, st, err := backend(ctx, nc, replicas)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: logger, ShutdownGrace: time.Second})
	if err != nil {
		return err
	}
	if hosts != hostWorkflows {
		if err := worker.AddService[Steps](w, steps{log}, worker.WithConcurrency(64)); err != nil {
			return err
		}
	}
	if hosts != hostServices {
		if err := errors.Join(worker.AddWorkflow(w, func() Flows { return flows{} }, worker.WithConcurrency(16)),
			schedule.Host(w), worker.AddWorkflow(w, func() Ticks { return ticks{} })); err != nil {
			return err
		}
	}
	fmt.Println("ready")
	return w.Run(ctx)
}
