package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/events"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Account is a long-lived entity: it adds the values it receives, three
// per run, then continues as new with its total.
type Account interface {
	Count(ctx workflow.Context, total int) (int, error)
	Echo(ctx workflow.Context, n int) (int, error)
}

var Deposits = workflow.NewChannel[Account, int]("deposits")

type account struct{}

func (account) Count(ctx workflow.Context, total int) (int, error) {
	run := workflow.GetInfo(ctx).Run
	if run == 0 {
		if err := workflow.SetSearch(ctx, "owner", "ada"); err != nil {
			return 0, err
		}
	}
	// Each run has its own child at position 0: a child id reused across
	// runs would answer the first run's value.
	if n, err := workflow.CallChild(ctx, Account.Echo, run); err != nil || n != run {
		return 0, fmt.Errorf("run %d: the child answered %d, %v", run, n, err)
	}
	for range 3 {
		n, err := Deposits.Receive(ctx).Await(ctx)
		if err != nil {
			return 0, err
		}
		if n < 0 {
			return total, nil
		}
		total += n
	}
	return 0, workflow.ContinueAsNew(ctx, Account.Count, total)
}

func (account) Echo(_ workflow.Context, n int) (int, error) { return n, nil }

func registerAccount(t *testing.T, w *worker.Worker) {
	if err := worker.AddWorkflow(w, func() Account { return account{} }); err != nil {
		t.Fatal(err)
	}
}

func TestContinueAsNew(t *testing.T) {
	onBackends(t, registerAccount, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		run, err := client.Start(ctx, d.Client, Account.Count, 0, client.WithCustomID("acct-1"), client.WithTags("bank"))
		if err != nil {
			t.Fatal(err)
		}
		// Seven values at once: some arrive while a run ends, and go to
		// the next one.
		var wg sync.WaitGroup
		errs := make(chan error, 7)
		for i := 1; i <= 7; i++ {
			wg.Go(func() { errs <- client.Send(ctx, d.Client, Deposits, run.ID(), i) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		// Still one instance: same id, tags and custom id.
		again, err := client.Start(ctx, d.Client, Account.Count, 0, client.WithCustomID("acct-1"))
		if err != nil {
			t.Fatal(err)
		}
		if again.ID() != run.ID() {
			t.Fatalf("custom id: joined %s, want %s", again.ID(), run.ID())
		}
		if ids, err := client.FindByTag[Account](ctx, d.Client, "bank"); err != nil || len(ids) != 1 || ids[0] != run.ID() {
			t.Fatalf("tag index: %v, %v", ids, err)
		}
		// Its runs wait for their child first: the values wait meanwhile.
		d.waitFor(ctx, t, "run 2 waits for its last value", func() bool {
			desc, err := run.Describe(ctx)
			if err != nil || desc.Status != client.StatusRunning || desc.Run > 2 {
				t.Fatalf("describe: %+v, %v; want running, up to run 2", desc, err)
			}
			return desc.Run == 2
		})
		a, err := admin.New(ctx, admin.Config{Transport: d.Transport, Store: d.Store})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		in, err := a.Describe(ctx, "Account", run.ID())
		if err != nil {
			t.Fatal(err)
		}
		if in.Run != 2 || in.Search["owner"] != "ada" {
			t.Errorf("admin describe: run %d, search %v; want run 2 and the first run's search fields", in.Run, in.Search)
		}
		steps, err := a.History(ctx, "Account", run.ID())
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) == 0 || steps[0].Kind != admin.StepStart || steps[0].Run != 2 || len(steps[0].Input) == 0 {
			t.Errorf("history %+v, want it to start with the start of run 2 with the total so far", steps)
		}
		if err := client.Send(ctx, d.Client, Deposits, run.ID(), -1); err != nil {
			t.Fatal(err)
		}
		// Both handles get the outcome of the last run.
		for _, r := range []*client.Run[int]{run, again} {
			if total, err := r.Await(ctx); err != nil || total != 28 {
				t.Fatalf("await: %d, %v; want 28", total, err)
			}
		}
		if n := continuedEvents(ctx, t, d, run.ID()); n != 2 {
			t.Errorf("%d continuedAsNew events, want 2", n)
		}
	})
}

// continuedEvents counts the continuedAsNew events of instance id in the
// event stream, once it holds its completed event.
func continuedEvents(ctx context.Context, t *testing.T, d *deployment, id string) int {
	t.Helper()
	n, done := 0, false
	d.waitFor(ctx, t, "the completed event", func() bool {
		n, done = 0, false
		err := events.Read(ctx, d.Transport, events.FromStart(), events.Filter{Workflows: []string{"Account"}}, func(e events.Event) error {
			switch {
			case e.WorkflowID() != id:
			case e.Type() == "infinitic.workflow.continuedAsNew":
				n++
			case e.Type() == "infinitic.workflow.completed":
				done = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return done
	})
	return n
}

// A cancel while an instance continues as new cancels the new run; its
// deadline spans its runs.
func TestContinueAsNewWithCancelAndTimeout(t *testing.T) {
	onBackends(t, registerAccount, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		canceled, err := client.Start(ctx, d.Client, Account.Count, 0)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := 1; i <= 3; i++ {
			wg.Go(func() { _ = client.Send(ctx, d.Client, Deposits, canceled.ID(), i) })
		}
		wg.Go(func() { _ = canceled.Cancel(ctx, "closing") })
		wg.Wait()
		if _, err := canceled.Await(ctx); !errors.Is(err, infinitic.ErrCanceled) {
			t.Fatalf("want canceled, got %v", err)
		}

		timed, err := client.Start(ctx, d.Client, Account.Count, 0, client.WithTimeout(workflowTimeout(d)))
		if err != nil {
			t.Fatal(err)
		}
		var first client.Description
		d.waitFor(ctx, t, "the start is applied", func() bool {
			first, err = timed.Describe(ctx)
			return err == nil && !first.Deadline.IsZero()
		})
		for i := 1; i <= 3; i++ {
			if err := client.Send(ctx, d.Client, Deposits, timed.ID(), i); err != nil && !errors.Is(err, infinitic.ErrWorkflowFinished) {
				t.Fatal(err)
			}
		}
		if _, err := timed.Await(ctx); !errors.Is(err, infinitic.ErrWorkflowTimedOut) {
			t.Fatalf("want timed out, got %v", err)
		}
		if end, err := timed.Describe(ctx); err != nil || !end.Deadline.Equal(first.Deadline) {
			t.Fatalf("deadline moved across runs: %v then %v (%v)", first.Deadline, end.Deadline, err)
		}
	})
}
