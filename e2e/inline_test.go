package e2e_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Misinline calls the workflow API inside workflow.Inline, in the way
// named by its argument.
type Misinline interface {
	Run(ctx workflow.Context, how string) (int, error)
}

type misinline struct{}

func (misinline) Run(ctx workflow.Context, how string) (int, error) {
	v, err := workflow.Inline(ctx, func() (int, error) {
		switch how {
		case "dispatch":
			workflow.Dispatch(ctx, Calc.Add, AddInput{1, 2})
		case "sleep":
			return 0, workflow.Sleep(ctx, time.Millisecond)
		case "async":
			workflow.Async(ctx, func(ctx workflow.Context) (int, error) { return 1, nil })
		case "rand":
			return workflow.Rand(ctx).IntN(10), nil
		case "inline":
			return workflow.Inline(ctx, func() (int, error) { return 1, nil })
		}
		return 1, nil
	})
	if err != nil {
		return 0, err
	}
	return workflow.Call(ctx, Calc.Add, AddInput{v, 1})
}

// Item 7 of issue 11: workflow calls inside Inline fail the workflow with
// a clear "invalid inline" error (they would be recorded at the wrong
// positions), and nothing they asked for runs.
func TestWorkflowCallsInsideInlineFailTheWorkflow(t *testing.T) {
	adds := &calc{}
	register := func(t *testing.T, w *worker.Worker) {
		if err := errors.Join(
			worker.AddService[Calc](w, adds),
			worker.AddWorkflow(w, func() Misinline { return misinline{} }),
		); err != nil {
			t.Fatal(err)
		}
	}
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		for _, how := range []string{"dispatch", "sleep", "async", "rand", "inline"} {
			t.Run(how, func(t *testing.T) {
				before := adds.calls.Load()
				_, err := client.Execute(ctx, d.Client, Misinline.Run, how)
				if !errors.Is(err, infinitic.ErrInvalidInline) || !strings.Contains(err.Error(), "invalid inline") {
					t.Fatalf("want an invalid inline failure, got %v", err)
				}
				if n := adds.calls.Load() - before; n != 0 {
					t.Fatalf("%d task(s) ran", n)
				}
			})
		}
		if got, err := client.Execute(ctx, d.Client, Misinline.Run, "plain"); err != nil || got != 2 {
			t.Fatalf("plain Inline: %d %v", got, err)
		}
	})
}
