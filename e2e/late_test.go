package e2e_test

import (
	"errors"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
)

// Item 5 of issue 11: each late request for the outcome of a finished
// instance gets its own answer. The answer's message id comes from the
// request, not from the clock: on the test kit the clock stands still,
// and an id made of the time made the second answer look like a
// duplicate of the first (dropped: the second Await hung).
func TestLateAwaitsFromOneClient(t *testing.T) {
	onBackends(t, registerSums, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		run, err := client.Start(ctx, d.Client, Sums.Sequential, 3, client.WithID("late"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := run.Await(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			late, err := client.Attach(d.Client, Sums.Sequential, run.ID())
			if err != nil {
				t.Fatal(err)
			}
			if got, err := late.Await(ctx); err != nil || got != want {
				t.Fatalf("late Attach %d: got %d, %v; want %d", i+1, got, err, want)
			}
		}
		// A Start that joins the finished instance is answered the same way.
		for i := range 2 {
			again, err := client.Start(ctx, d.Client, Sums.Sequential, 3, client.WithID("late"))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := again.Await(ctx); err != nil || got != want {
				t.Fatalf("late Start %d: got %d, %v; want %d", i+1, got, err, want)
			}
		}
		// So is an Attach to an id that never started.
		for i := range 2 {
			unknown, err := client.Attach(d.Client, Sums.Sequential, "never-started")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := unknown.Await(ctx); !errors.Is(err, infinitic.ErrInstanceNotFound) {
				t.Fatalf("Attach %d to an id that never started: %v", i+1, err)
			}
		}
	})
}
