package e2e_test

import (
	"errors"
	"testing"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Holder's step is slow for instances named "slow": its Inline function
// waits until the test releases it.
type Holder interface {
	Hold(ctx workflow.Context, name string) (string, error)
}

type holder struct {
	entered chan string
	release chan struct{}
}

func (h holder) Hold(ctx workflow.Context, name string) (string, error) {
	return workflow.Inline(ctx, func() (string, error) {
		if name != "fast" {
			h.entered <- name
			<-h.release
		}
		return name, nil
	})
}

// Item 6 of issue 11: one slow workflow step does not delay other
// instances. While two instances are held inside a step, both have
// entered it (they run in parallel), and a third instance completes.
func TestSlowStepDoesNotBlockOtherInstances(t *testing.T) {
	h := holder{entered: make(chan string), release: make(chan struct{})}
	register := func(t *testing.T, w *worker.Worker) {
		if err := worker.AddWorkflow(w, func() Holder { return h }); err != nil {
			t.Fatal(err)
		}
	}
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		release := make(chan struct{})
		h.release = release
		var slow []*client.Run[string]
		for _, name := range []string{"slow-1", "slow-2"} {
			run, err := client.Start(ctx, d.Client, Holder.Hold, name)
			if err != nil {
				t.Fatal(err)
			}
			slow = append(slow, run)
		}
		for range slow {
			select {
			case <-h.entered:
			case <-ctx.Done():
				t.Fatal("the second slow instance waited for the first")
			}
		}
		if got, err := client.Execute(ctx, d.Client, Holder.Hold, "fast"); err != nil || got != "fast" {
			t.Fatalf("fast instance while slow ones hold: %q %v", got, err)
		}
		close(release)
		for i, run := range slow {
			if _, err := run.Await(ctx); err != nil {
				t.Fatalf("slow %d: %v", i, errors.Unwrap(err))
			}
		}
	})
}
