package infinitictest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Renewal is a workflow that waits a month.
type Renewal interface {
	Remind(ctx workflow.Context, domain string) (string, error)
}

type renewal struct{}

func (renewal) Remind(ctx workflow.Context, domain string) (string, error) {
	if err := workflow.Sleep(ctx, 30*24*time.Hour); err != nil {
		return "", err
	}
	return fmt.Sprintf("renew %s (%s)", domain, workflow.Now(ctx).Format(time.DateOnly)), nil
}

// In a test, New takes the test's *testing.T; time skips to each timer
// once nothing else is left to do, so the month passes at once.
func Example() {
	t := &harness{} // in a test function: its t *testing.T
	defer t.cleanup()

	env := infinitictest.New(t)
	if err := worker.AddWorkflow(env.Worker, func() Renewal { return renewal{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	began := time.Now()
	fmt.Println(client.Execute(context.Background(), env.Client, Renewal.Remind, "example.com"))
	fmt.Println("took less than a minute:", time.Since(began) < time.Minute)
	fmt.Println("test clock:", env.Clock.Now().Sub(infinitictest.Start))
	// Output:
	// renew example.com (2030-01-31) <nil>
	// took less than a minute: true
	// test clock: 720h0m0s
}

// harness stands for the *testing.T of a test function, which examples
// do not have: it runs the cleanups and turns failures into panics.
type harness struct{ cleanups []func() }

func (h *harness) Helper()                           {}
func (h *harness) Cleanup(f func())                  { h.cleanups = append(h.cleanups, f) }
func (h *harness) Fatal(args ...any)                 { panic(fmt.Sprint(args...)) }
func (h *harness) Errorf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

func (h *harness) cleanup() {
	for i := len(h.cleanups) - 1; i >= 0; i-- {
		h.cleanups[i]()
	}
}
