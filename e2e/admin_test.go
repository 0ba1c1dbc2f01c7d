package e2e_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
)

func TestCompleteTimersAndInspect(t *testing.T) {
	ctx := testCtx(t)
	waiter := infinitictest.New(t, infinitictest.WithoutTimeSkipping(), infinitictest.WithUnhosted("Nobody"))
	if err := worker.AddWorkflow(waiter.Worker, func() Waiter { return waiterWF{} }); err != nil {
		t.Fatal(err)
	}
	waiter.Start()
	// WaitOrTimeout races a never-completing task against a long timer.
	run, err := client.Start(ctx, waiter.Client, Waiter.WaitOrTimeout, 1000*time.Hour, client.WithTags("inspect-me"))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, waiter, func() bool { return waiter.Transport.Pending("svc.Nobody") == 1 })
	raw, err := run.Inspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var view struct {
		Status  string
		Method  string
		Tags    []string
		History []struct{ Command, Event string }
	}
	if err := json.Unmarshal(raw, &view); err != nil {
		t.Fatal(err)
	}
	if view.Status != "running" || view.Method != "WaitOrTimeout" || len(view.Tags) != 1 || !strings.Contains(string(raw), "task Nobody.Never") {
		t.Fatalf("unexpected inspection:\n%s", raw)
	}
	if err := run.CompleteTimers(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := run.Await(ctx)
	if err != nil || !strings.HasSuffix(got, "task=ongoing") || strings.HasPrefix(got, "task") {
		t.Fatalf("after CompleteTimers: %q %v", got, err)
	}
	if err := run.CompleteTimers(ctx); !errors.Is(err, infinitic.ErrWorkflowFinished) {
		t.Fatalf("on a finished instance: %v", err)
	}
	unknown, _ := client.Attach(waiter.Client, Waiter.WaitOrTimeout, "nope")
	if _, err := unknown.Inspect(ctx); !errors.Is(err, infinitic.ErrInstanceNotFound) {
		t.Fatalf("inspect unknown: %v", err)
	}
}

func TestRetention(t *testing.T) {
	env := infinitictest.New(t)
	if err := worker.AddService[Calc](env.Worker, &calc{}); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() Sums { return sums{} }, worker.WithRetention(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, Sums.Sequential, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := run.Await(ctx); err != nil || got != 3 {
		t.Fatalf("%d %v", got, err)
	}
	// Time skips to the expiry: the outcome is then gone.
	waitFor(ctx, t, env, func() bool {
		_, err := run.Inspect(ctx)
		return errors.Is(err, infinitic.ErrInstanceNotFound)
	})
	if env.Clock.Now().Before(infinitictest.Start.Add(24 * time.Hour)) {
		t.Fatal("deleted before its retention")
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
