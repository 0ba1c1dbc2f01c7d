package e2e_test

import (
	"testing"

	"github.com/infinitic-go/infinitic/client"
)

// TestLateAwaitsFromOneClient: each late request for the outcome of a
// finished instance gets its own answer. The answer's message id comes
// from the request, not from the clock: on the test kit the clock stands
// still, and an id made of the time would make the second answer look
// like a duplicate of the first (dropped, the second Await hangs).
func TestLateAwaitsFromOneClient(t *testing.T) {
	env, _ := newEnv(t)
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, Sums.Sequential, 3, client.WithID("late"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := run.Await(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		late, err := client.Attach(env.Client, Sums.Sequential, run.ID())
		if err != nil {
			t.Fatal(err)
		}
		if got, err := late.Await(ctx); err != nil || got != want {
			t.Fatalf("late Attach %d: got %d, %v; want %d", i+1, got, err, want)
		}
	}
	// A Start that joins the finished instance is answered the same way.
	for i := range 2 {
		again, err := client.Start(ctx, env.Client, Sums.Sequential, 3, client.WithID("late"))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := again.Await(ctx); err != nil || got != want {
			t.Fatalf("late Start %d: got %d, %v; want %d", i+1, got, err, want)
		}
	}
	// So is an Attach to an id that never started (unknown).
	for i := range 2 {
		unknown, err := client.Attach(env.Client, Sums.Sequential, "never-started")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := unknown.Await(ctx); err == nil {
			t.Fatalf("Attach %d to an unknown id: no error", i+1)
		}
	}
}
