package e2e_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Laggard's first attempt waits for its timeout, then answers anyway
// (within the grace period); later attempts answer at once.
type Laggard interface {
	Answer(ctx context.Context, n int) (int, error)
}

type laggard struct{ late atomic.Int64 }

func (l *laggard) Answer(ctx context.Context, n int) (int, error) {
	task, _ := infinitic.TaskFrom(ctx)
	if task.Attempt == 1 {
		<-ctx.Done()
		l.late.Add(1)
		return -n, nil
	}
	return n * task.Attempt, nil
}

type LateFlow interface {
	Ask(ctx workflow.Context, n int) (int, error)
}

type lateFlow struct{}

func (lateFlow) Ask(ctx workflow.Context, n int) (int, error) {
	return workflow.Call(ctx, Laggard.Answer, n)
}

// Item 8 of issue 11: an attempt that returns after its timeout failed,
// even with a result: it is retried per policy (the late result is
// dropped), or fails the task without retries.
func TestLateAnswerAfterTimeoutIsAFailedAttempt(t *testing.T) {
	for _, tc := range []struct {
		name  string
		retry infinitic.RetryPolicy
		want  int // 0: a timeout failure
	}{
		{"retried", infinitic.RetryPolicy{MinDelay: 10 * time.Millisecond, MaxRetries: 1}, 14},
		{"no retry", infinitic.NoRetry, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			impl := &laggard{}
			register := func(t *testing.T, w *worker.Worker) {
				if err := errors.Join(
					worker.AddService[Laggard](w, impl, worker.WithTimeout(20*time.Millisecond), worker.WithGrace(10*time.Second), worker.WithRetry(tc.retry)),
					worker.AddWorkflow(w, func() LateFlow { return lateFlow{} }),
				); err != nil {
					t.Fatal(err)
				}
			}
			onBackends(t, register, func(t *testing.T, d *deployment) {
				before := impl.late.Load()
				got, err := client.Execute(testCtx(t), d.Client, LateFlow.Ask, 7)
				switch {
				case tc.want == 0 && !errors.Is(err, infinitic.ErrTimeout):
					t.Fatalf("want a timeout failure, got %d %v", got, err)
				case tc.want != 0 && (err != nil || got != tc.want):
					t.Fatalf("got %d %v, want %d from the retry", got, err, tc.want)
				}
				if impl.late.Load() != before+1 {
					t.Fatal("the first attempt did not answer late")
				}
			})
		})
	}
}
