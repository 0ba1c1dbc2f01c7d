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

type Flaky interface {
	// Work fails until its attempt reaches in.
	Work(ctx context.Context, in int) (int, error)
	// Hang ignores nothing: it returns when its context ends.
	Hang(ctx context.Context, in int) (int, error)
}

type TemporaryError struct{ Attempt int }

func (e *TemporaryError) Error() string { return "temporary" }

type FatalError struct{}

func (e *FatalError) Error() string { return "fatal" }

type flaky struct {
	calls atomic.Int64
	retry func(retry int, err error) (time.Duration, bool) // RetryDecider, if set
}

func (f *flaky) Work(ctx context.Context, in int) (int, error) {
	f.calls.Add(1)
	task, _ := infinitic.TaskFrom(ctx)
	if in < 0 {
		return 0, &FatalError{}
	}
	if task.Attempt < in {
		return 0, &TemporaryError{task.Attempt}
	}
	return task.Attempt, nil
}

func (f *flaky) Hang(ctx context.Context, in int) (int, error) {
	f.calls.Add(1)
	<-ctx.Done()
	return 0, ctx.Err()
}

type decidingFlaky struct{ *flaky }

func (d decidingFlaky) RetryDelay(method string, retry int, err error) (time.Duration, bool) {
	return d.retry(retry, err)
}

type FlakyFlow interface {
	Run(ctx workflow.Context, in int) (int, error)
	Hang(ctx workflow.Context, in int) (int, error)
	Child(ctx workflow.Context, timeout time.Duration) (string, error)
}

type flakyFlow struct{}

func (flakyFlow) Run(ctx workflow.Context, in int) (int, error) {
	return workflow.Call(ctx, Flaky.Work, in)
}
func (flakyFlow) Hang(ctx workflow.Context, in int) (int, error) {
	return workflow.Call(ctx, Flaky.Hang, in)
}

// Child waits for a child that hangs, with a timeout.
func (flakyFlow) Child(ctx workflow.Context, timeout time.Duration) (string, error) {
	d := workflow.DispatchChild(ctx, FlakyFlow.Run, 1000, workflow.WithTimeout(timeout))
	_, err := d.Await(ctx)
	return d.Status().String(), err
}

func flakyEnv(t *testing.T, impl Flaky, opts ...worker.ServiceOption) *infinitictest.Env {
	env := infinitictest.New(t)
	if err := worker.AddService[Flaky](env.Worker, impl, opts...); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() FlakyFlow { return flakyFlow{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return env
}

func TestRetryPolicy(t *testing.T) {
	policy := infinitic.RetryPolicy{MinDelay: time.Second, MaxRetries: 3, NonRetryable: []string{"*e2e_test.FatalError"}}
	cases := []struct {
		name      string
		in        int
		want      int // attempt that succeeded; 0: failure
		wantCalls int64
	}{
		{"succeeds on third attempt", 3, 3, 3},
		{"gives up after max retries", 10, 0, 4},
		{"non-retryable type fails at once", -1, 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			impl := &flaky{}
			env := flakyEnv(t, impl, worker.WithRetry(policy))
			got, err := client.Execute(testCtx(t), env.Client, FlakyFlow.Run, tc.in)
			if tc.want > 0 && (err != nil || got != tc.want) {
				t.Fatalf("got %d, %v; want %d", got, err, tc.want)
			}
			var task *infinitic.TaskFailedError
			if tc.want == 0 && !errors.As(err, &task) {
				t.Fatalf("want TaskFailedError, got %v", err)
			}
			if impl.calls.Load() != tc.wantCalls {
				t.Fatalf("calls %d, want %d", impl.calls.Load(), tc.wantCalls)
			}
			// Retries wait on the (skipped) clock: 1s, 2s, 4s ±50%.
			if tc.wantCalls > 1 && !env.Clock.Now().After(infinitictest.Start) {
				t.Fatal("retries did not wait")
			}
		})
	}
}

func TestRetryDecider(t *testing.T) {
	var seen []int
	impl := decidingFlaky{&flaky{retry: func(retry int, err error) (time.Duration, bool) {
		seen = append(seen, retry)
		var tmp *TemporaryError
		return time.Minute, errors.As(err, &tmp) && retry < 2
	}}}
	env := flakyEnv(t, impl)
	_, err := client.Execute(testCtx(t), env.Client, FlakyFlow.Run, 5)
	var task *infinitic.TaskFailedError
	if !errors.As(err, &task) || task.Attempt != 2 || len(seen) != 2 {
		t.Fatalf("want failure at attempt 2 decided twice, got %v (decisions %v)", err, seen)
	}
	if got := env.Clock.Now().Sub(infinitictest.Start); got != time.Minute {
		t.Fatalf("clock moved %v, want the decider's 1m", got)
	}
}

func TestTaskTimeoutCancelsContext(t *testing.T) {
	impl := &flaky{}
	env := flakyEnv(t, impl, worker.WithTimeout(50*time.Millisecond), worker.WithRetry(infinitic.NoRetry))
	_, err := client.Execute(testCtx(t), env.Client, FlakyFlow.Hang, 0)
	if !errors.Is(err, infinitic.ErrTimeout) {
		t.Fatalf("want timeout, got %v", err)
	}
	if impl.calls.Load() != 1 {
		t.Fatalf("calls %d, want 1", impl.calls.Load())
	}
}

func TestChildTimeoutAsSeenByCaller(t *testing.T) {
	env := flakyEnv(t, &flaky{}, worker.WithRetry(infinitic.RetryPolicy{MinDelay: time.Hour, MaxDelay: time.Hour, MaxRetries: 1000}))
	got, err := client.Execute(testCtx(t), env.Client, FlakyFlow.Child, 10*time.Minute)
	if !errors.Is(err, infinitic.ErrTimeout) || got != "" {
		t.Fatalf("want timeout, got %q %v", got, err)
	}
}
