package e2e_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
)

func TestDescribeLifecycle(t *testing.T) {
	ctx := testCtx(t)
	// The clock stands still: time skipping would end the life of the
	// value sent before the start (worker.WithEarlyMessageLife) at once.
	env := infinitictest.New(t, infinitictest.WithoutTimeSkipping())
	if err := worker.AddWorkflow(env.Worker, func() Expense { return expense{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	run, err := client.Attach(env.Client, Expense.Review, "expense-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Describe(ctx); !errors.Is(err, infinitic.ErrInstanceNotFound) {
		t.Fatalf("before anything: %v", err)
	}
	describe := func() client.Description {
		t.Helper()
		d, err := run.Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	// A value sent before the start makes the instance pending.
	sent := make(chan error, 1)
	go func() { sent <- client.Send(ctx, env.Client, Approvals, "expense-1", Approval{By: "boss"}) }()
	waitFor(ctx, t, env, func() bool { d, err := run.Describe(ctx); return err == nil && d.Status == client.StatusPending })
	if d := describe(); d.ID != "expense-1" || d.Workflow != "Expense" || d.Method != "" {
		t.Fatalf("pending: %+v", d)
	}

	if _, err := client.Start(ctx, env.Client, Expense.Review, 0, client.WithID("expense-1"),
		client.WithTags("team:blue"), client.WithMeta(map[string]string{"k": "v"})); err != nil {
		t.Fatal(err)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	d := describe()
	if d.Status != client.StatusRunning || d.Method != "Review" || !slices.Equal(d.Tags, []string{"team:blue"}) ||
		d.Meta["k"] != "v" || d.CustomID != "" || d.ParentID != "" || d.Err != nil || d.Status.Finished() {
		t.Fatalf("running: %+v", d)
	}

	if err := run.Cancel(ctx, "no budget"); err != nil {
		t.Fatal(err)
	}
	d = describe()
	if d.Status != client.StatusCanceled || !d.Status.Finished() || !errors.Is(d.Err, infinitic.ErrCanceled) {
		t.Fatalf("canceled: %+v", d)
	}
	if _, err := run.Await(ctx); err == nil || err.Error() != d.Err.Error() {
		t.Fatalf("Await says %v, Describe says %v", err, d.Err)
	}
}

func TestDescribeOutcomes(t *testing.T) {
	ctx := testCtx(t)
	env, _ := newEnv(t)
	for _, tc := range []struct {
		name   string
		start  func() (*client.Run[int], error)
		status client.Status
		custom string
	}{
		{"completed", func() (*client.Run[int], error) {
			return client.Start(ctx, env.Client, Sums.Sequential, 3, client.WithCustomID("seq-3"))
		}, client.StatusCompleted, "seq-3"},
		{"failed", func() (*client.Run[int], error) { return client.Start(ctx, env.Client, Sums.Failing, "no") }, client.StatusFailed, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run, err := tc.start()
			if err != nil {
				t.Fatal(err)
			}
			_, awaitErr := run.Await(ctx)
			d, err := run.Describe(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != tc.status || d.CustomID != tc.custom || (d.Err == nil) != (awaitErr == nil) {
				t.Fatalf("%+v (Await: %v)", d, awaitErr)
			}
			if err := run.RetryTasks(ctx); (tc.status == client.StatusCompleted) != errors.Is(err, infinitic.ErrNotFailed) {
				t.Fatalf("RetryTasks on a %s instance: %v", d.Status, err)
			}
			var declined *infinitic.RemoteError
			if tc.status == client.StatusFailed && (!errors.As(d.Err, &declined) || declined.Type != "*e2e_test.DeclinedError") {
				t.Fatalf("failure cause lost: %v", d.Err)
			}
		})
	}
}
