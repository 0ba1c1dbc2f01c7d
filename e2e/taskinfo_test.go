package e2e_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Probe reports each attempt's TaskInfo and fails until switched on.
type Probe interface {
	Check(ctx context.Context, n int) (int, error)
}

type probe struct {
	on   *atomic.Bool
	seen chan infinitic.TaskInfo
}

func (p probe) Check(ctx context.Context, n int) (int, error) {
	task, _ := infinitic.TaskFrom(ctx)
	p.seen <- task
	if !p.on.Load() {
		return 0, errors.New("switched off")
	}
	return n, nil
}

type Probed interface {
	Run(ctx workflow.Context, n int) (int, error)
}

type probed struct{}

func (probed) Run(ctx workflow.Context, n int) (int, error) {
	return workflow.Call(ctx, Probe.Check, n)
}

// TaskInfo tells automatic attempts, deliveries and manual retries apart.
func TestTaskInfoTellsRetriesApart(t *testing.T) {
	env := infinitictest.New(t)
	p := probe{on: &atomic.Bool{}, seen: make(chan infinitic.TaskInfo, 8)}
	if err := worker.AddService[Probe](env.Worker, p, worker.WithRetry(infinitic.RetryPolicy{MinDelay: time.Second, MaxRetries: 1})); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() Probed { return probed{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, Probed.Run, 7)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Await(ctx); err == nil {
		t.Fatal("want a failure while switched off")
	}
	first, second := <-p.seen, <-p.seen
	p.on.Store(true)
	if err := run.RetryTasks(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := run.Await(ctx); err != nil || got != 7 {
		t.Fatalf("after the manual retry: %d %v", got, err)
	}
	manual := <-p.seen
	for _, tc := range []struct {
		name                          string
		got                           infinitic.TaskInfo
		attempt, delivery, generation int
	}{
		{"first attempt", first, 1, 1, 0},
		{"automatic retry", second, 2, 1, 0},
		{"manual retry", manual, 1, 1, 1},
	} {
		if tc.got.Attempt != tc.attempt || tc.got.Delivery != tc.delivery || tc.got.Generation != tc.generation {
			t.Errorf("%s: %+v, want attempt %d, delivery %d, generation %d", tc.name, tc.got, tc.attempt, tc.delivery, tc.generation)
		}
	}
	if first.ID != second.ID || manual.ID != first.ID {
		t.Errorf("the task id changed: %q, %q, then %q", first.ID, second.ID, manual.ID)
	}
}
