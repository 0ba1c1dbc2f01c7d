package e2e_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/worker"
)

// Issue 14: with roles on, a client's credential cannot forge a task's
// outcome (refused by the server on the workers' subject, dead-lettered
// by the engine on the clients' one), nor send a result to a client, nor
// write state; a service's cannot write state. The service completes the
// task and the workflow ends with the true value.
func TestRolesRefuseForgeries(t *testing.T) {
	ctx := testCtx(t)
	srv, err := embedded.Start(embedded.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", Users: []embedded.User{
		{Name: "engines", Password: "e-secret", Role: broker.RoleWorker},
		{Name: "payments", Password: "p-secret", Role: broker.RoleService, Services: []string{"Payments"}},
		{Name: "shop", Password: "s-secret", Role: broker.RoleClient},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	connect := func(user, password string) *broker.Backend {
		t.Helper()
		b, err := broker.Connect(ctx, broker.Config{URL: srv.ClientURL(), User: user, Password: password})
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		t.Cleanup(func() { _ = b.Close() })
		return b
	}
	quiet := slog.New(slog.DiscardHandler)
	run := func(b *broker.Backend, register func(*worker.Worker) error) {
		t.Helper()
		w, err := worker.New(worker.Config{Transport: b.Transport, Store: b.Store, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if err := register(w); err != nil {
			t.Fatal(err)
		}
		runWorker(t, w)
	}
	engines := connect("engines", "e-secret") // first: creates the streams and the bucket
	run(engines, func(w *worker.Worker) error { return worker.AddWorkflow(w, func() Checkout { return checkout{} }) })
	payments := connect("payments", "p-secret")
	p := processor{tasks: make(chan string, 1)}
	run(payments, func(w *worker.Worker) error {
		return worker.AddService[Payments](w, p, worker.WithDelegated(Payments.Charge, Payments.Refund))
	})
	shop := connect("shop", "s-secret")
	newClient := func(b *broker.Backend) *client.Client {
		c, err := client.New(ctx, client.Config{Transport: b.Transport, Store: b.Store, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	shopClient, paymentsClient := newClient(shop), newClient(payments)

	started, err := client.Start(ctx, shopClient, Checkout.Pay, 42)
	if err != nil {
		t.Fatal(err)
	}
	taskID := <-p.tasks
	wf, id, position, gen, err := wire.ParseTaskID(taskID)
	if err != nil {
		t.Fatal(err)
	}
	forged := wire.CompletedMessage(wire.ParentRef{Workflow: wf, WorkflowID: id, Position: position, Gen: gen}, []byte(`"forged"`), nil)
	onPublic := forged
	onPublic.Subject, onPublic.ID = wire.WorkflowSubject(wf), "forged-on-public"
	refused := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: accepted", what)
		}
	}
	short := func() context.Context {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		t.Cleanup(cancel)
		return c
	}
	refused("a client completing the task", client.CompleteDelegatedTask(short(), shopClient, Payments.Charge, taskID, "forged"))
	refused("a client publishing a task outcome", publishRaw(short(), shop.Transport, forged))
	refused("a client publishing a result to another client", publishRaw(short(), shop.Transport,
		wire.ResultMessage(wf, id, "victim", wire.ResultID(id, "", "victim", 0), &wire.Result{Output: []byte(`"forged"`)})))
	for _, b := range []struct {
		user    string
		backend *broker.Backend
	}{{"shop", shop}, {"payments", payments}} {
		kv, err := jetstream.New(b.backend.Conn)
		if err != nil {
			t.Fatal(err)
		}
		bucket, err := kv.KeyValue(ctx, natskv.DefaultBucket)
		if err != nil {
			t.Fatalf("%s reads the bucket: %v", b.user, err)
		}
		_, err = bucket.Put(short(), wire.StateKey(wf, id), []byte("overwritten"))
		refused(b.user+" overwriting a state", err)
		refused(b.user+" deleting a state", bucket.Delete(short(), wire.StateKey(wf, id)))
	}
	// On the clients' subject the server lets it through: the engine
	// dead-letters it.
	if err := publishRaw(ctx, shop.Transport, onPublic); err != nil {
		t.Fatalf("a request-shaped publish on the clients' subject: %v", err)
	}
	waitDeadLetters(ctx, t, &deployment{DeadLetters: func(ctx context.Context) []string {
		dls, err := engines.Transport.DeadLetters(ctx, "", 100)
		if err != nil {
			t.Errorf("read dead letters: %v", err)
		}
		var reasons []string
		for _, dl := range dls {
			reasons = append(reasons, dl.Reason)
		}
		return reasons
	}}, []string{"only clients' requests are accepted"})

	if err := client.CompleteDelegatedTask(ctx, paymentsClient, Payments.Charge, taskID, "receipt-7"); err != nil {
		t.Fatalf("the service completing its task: %v", err)
	}
	got, err := started.Await(ctx)
	if err != nil || got != "paid: receipt-7" {
		t.Fatalf("got %q, %v; want the true value", got, err)
	}
}

// publishRaw publishes m on tr as any process could.
func publishRaw(ctx context.Context, tr transport.Transport, m wire.Message) error {
	o, err := m.Encode()
	if err != nil {
		return err
	}
	return tr.Publish(ctx, transport.Message{ID: o.ID, Subject: o.Subject, Key: o.Key, Data: o.Data})
}
