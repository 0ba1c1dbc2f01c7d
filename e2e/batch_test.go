package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

type Emails interface {
	Send(ctx context.Context, to string) (string, error)
}

type emailsImpl struct{}

func (emailsImpl) Send(ctx context.Context, to string) (string, error) {
	return "", errors.New("not used: batched")
}

type Campaign interface {
	Run(ctx workflow.Context, n int) (string, error)
}

type campaign struct{}

// Run sends n emails in parallel, alternating two batch keys, and reports
// each outcome.
func (campaign) Run(ctx workflow.Context, n int) (string, error) {
	var ds []workflow.Deferred[string]
	for i := range n {
		ds = append(ds, workflow.Dispatch(ctx, Emails.Send, fmt.Sprintf("user%d", i), workflow.WithBatchKey([]string{"eu", "us"}[i%2])))
	}
	var out []string
	for _, d := range ds {
		r, err := d.Await(ctx)
		if err != nil {
			var task *infinitic.TaskFailedError
			if !errors.As(err, &task) {
				return "", err
			}
			r = "failed"
		}
		out = append(out, r)
	}
	return strings.Join(out, ","), nil
}

func TestBatchMethod(t *testing.T) {
	var mu sync.Mutex
	var batches [][]string
	send := func(ctx context.Context, items []worker.BatchItem[string]) []worker.BatchResult[string] {
		mu.Lock()
		defer mu.Unlock()
		var b []string
		out := make([]worker.BatchResult[string], len(items))
		for i, it := range items {
			b = append(b, it.Key+":"+it.Input)
			if it.Input == "user3" {
				out[i].Err = errors.New("mailbox full")
				continue
			}
			out[i].Output = "sent " + it.Input
		}
		batches = append(batches, b)
		return out
	}
	env := infinitictest.New(t)
	err := worker.AddService[Emails](env.Worker, emailsImpl{}, worker.WithRetry(infinitic.NoRetry),
		worker.WithBatch(Emails.Send, 4, 50*time.Millisecond, send))
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() Campaign { return campaign{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	got, err := client.Execute(testCtx(t), env.Client, Campaign.Run, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := "sent user0,sent user1,sent user2,failed,sent user4,sent user5,sent user6,sent user7,sent user8,sent user9"
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	total, largest := 0, 0
	for _, b := range batches {
		total += len(b)
		largest = max(largest, len(b))
		if len(b) > 4 {
			t.Fatalf("batch over maxMessages: %v", b)
		}
		for _, call := range b {
			if call[:2] != b[0][:2] {
				t.Fatalf("batch mixes keys: %v", b)
			}
		}
	}
	if total != 10 || largest < 2 {
		t.Fatalf("calls were not batched: %v", batches)
	}
}

func TestBatchOptionValidation(t *testing.T) {
	env := infinitictest.New(t)
	noop := func(context.Context, []worker.BatchItem[string]) []worker.BatchResult[string] { return nil }
	if err := worker.AddService[Emails](env.Worker, emailsImpl{}, worker.WithBatch(Emails.Send, 0, time.Second, noop)); err == nil {
		t.Fatal("maxMessages 0: want error")
	}
	if err := worker.AddService[Emails](env.Worker, emailsImpl{}, worker.WithBatch(Calc.Add, 1, time.Second, func(context.Context, []worker.BatchItem[AddInput]) []worker.BatchResult[int] { return nil })); !errors.Is(err, infinitic.ErrInvalidContract) {
		t.Fatalf("another contract's method: %v", err)
	}
}
