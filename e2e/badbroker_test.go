package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/internal/wire"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
)

// smallBroker refuses messages over max bytes, as a NATS server configured
// with a small max_payload does.
type smallBroker struct {
	*memory.Transport
	max int
}

func (b smallBroker) Publish(ctx context.Context, msgs ...transport.Message) error {
	for _, m := range msgs {
		if len(m.Data) > b.max {
			return fmt.Errorf("%w: message %s of %d bytes, over %d", transport.ErrInvalidMessage, m.ID, len(m.Data), b.max)
		}
	}
	return b.Transport.Publish(ctx, msgs...)
}

// declaredBroker also says its limit (transport.Limited), as natsjs does.
type declaredBroker struct{ smallBroker }

func (b declaredBroker) MaxMessageSize() int { return b.max }

// startOn runs a worker and a client on tr until the end of the test.
func startOn(t *testing.T, tr transport.Transport, dls func() []string) *deployment {
	t.Helper()
	st := memstore.New()
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet, ShutdownGrace: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	registerLimited(t, w)
	c, err := client.New(context.Background(), client.Config{Transport: tr, Store: st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	runWorker(t, w, c, tr)
	return &deployment{Worker: w, Client: c, Transport: tr, Store: st, DeadLetters: func(context.Context) []string { return dls() }}
}

func memoryDeadLetters(tr *memory.Transport) func() []string {
	return func() []string {
		var reasons []string
		for _, dl := range tr.DeadLetters() {
			reasons = append(reasons, dl.Reason)
		}
		return reasons
	}
}

// Issue 10, items 4 and 5, on a broker whose maximum message size is below
// the payload limit (64 KiB here): a task result it refuses fails the task
// (it was re-executed forever); a step whose messages it refuses fails its
// instance when the broker declares its limit, and is dead-lettered with
// the reason when it does not (it was retried forever).
func TestMessagesTheBrokerRefuses(t *testing.T) {
	const max = 64 << 10
	t.Run("declared limit", func(t *testing.T) {
		mem := memory.New()
		d := startOn(t, declaredBroker{smallBroker{mem, max}}, memoryDeadLetters(mem))
		ctx := testCtx(t)
		_, err := client.Execute(ctx, d.Client, Limited.TaskResult, 2*max)
		wantLimit(t, "task result", err, "MaxMessageSize", "outcome of task Big.Make")
		_, err = client.Execute(ctx, d.Client, Limited.TaskInput, 2*max)
		wantLimit(t, "task input", err, "MaxMessageSize", "message svc.Big of Limited")
		if got, err := client.Execute(ctx, d.Client, Limited.Echo, "still here"); err != nil || got != "still here" {
			t.Fatalf("a workflow after the refused ones: %q %v", got, err)
		}
	})
	t.Run("undeclared limit", func(t *testing.T) {
		mem := memory.New()
		d := startOn(t, smallBroker{mem, max}, memoryDeadLetters(mem))
		ctx := testCtx(t)
		if _, err := client.Start(ctx, d.Client, Limited.TaskInput, 2*max); err != nil {
			t.Fatal(err)
		}
		waitDeadLetters(ctx, t, d, []string{"transport: invalid message"})
		if got, err := client.Execute(ctx, d.Client, Limited.Echo, "still here"); err != nil || got != "still here" {
			t.Fatalf("a workflow after the refused one: %q %v", got, err)
		}
	})
}

// refusingConsumes fails the first Consume of each subject, as a server
// does that cannot create a consumer for a moment (a full disk, a cluster
// electing the consumer's leader).
type refusingConsumes struct {
	*memory.Transport
	mu      sync.Mutex
	refused map[string]bool
}

func (b *refusingConsumes) Consume(ctx context.Context, subject, group string) (transport.Consumer, error) {
	b.mu.Lock()
	first := !b.refused[subject]
	b.refused[subject] = true
	b.mu.Unlock()
	if first {
		return nil, errors.New("consumer creation failed: no space left on device")
	}
	return b.Transport.Consume(ctx, subject, group)
}

// TestConsumeFailuresAreRetried checks that a worker's engines and
// executors retry a consumer they could not create, instead of stopping
// and leaving their messages waiting.
func TestConsumeFailuresAreRetried(t *testing.T) {
	tr := &refusingConsumes{Transport: memory.New(), refused: map[string]bool{}}
	st := memstore.New()
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	registerSums(t, w)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The client's own consumer is not refused: client.New fails then.
	c, err := client.New(ctx, client.Config{Transport: tr.Transport, Store: st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	runWorker(t, w, c)
	run, err := client.Start(ctx, c, Sums.Sequential, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := run.Await(ctx); got != 45 || err != nil {
		t.Fatalf("got %d, %v; want 45", got, err)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, s := range []string{wire.WorkflowSubject("Sums"), wire.WorkflowInternalSubject("Sums"), wire.ServiceSubject("Calc")} {
		if !tr.refused[s] {
			t.Errorf("no consumer asked for %s (subjects asked: %v)", s, tr.refused)
		}
	}
}
