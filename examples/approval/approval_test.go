package main

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newEnv deploys the approval workflow in memory. The approver sends
// answers (in order) to the workflow when notified.
func newEnv(t *testing.T, answers ...Decision) (*infinitictest.Env, *Inbox, *Ledger) {
	t.Helper()
	env := infinitictest.New(t)
	inbox, ledger := &Inbox{}, NewLedger()
	if len(answers) > 0 {
		inbox.Answer = func(ctx context.Context, req ApprovalRequest) error {
			for _, d := range answers {
				if err := client.Send(ctx, env.Client, Decisions, req.WorkflowID, d); err != nil {
					return err
				}
			}
			return nil
		}
	}
	if err := Register(env.Worker, inbox, ledger); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return env, inbox, ledger
}

var claim = Claim{ID: "EXP-7", Employee: "Ada", Cents: 4200, Approver: "maria", Within: 72 * time.Hour}

func TestApproved(t *testing.T) {
	// The intern's approval does not count: only the approver decides.
	env, inbox, ledger := newEnv(t,
		Decision{Approved: true, By: "intern"},
		Decision{Approved: true, By: "maria", Comment: "ok"})
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, ExpenseApproval.Review, claim)
	if err != nil {
		t.Fatal(err)
	}
	got, err := run.Await(ctx)
	if err != nil {
		t.Fatal(infinitic.ErrorChain(err))
	}
	if want := (Outcome{Status: StatusApproved, By: "maria", Comment: "ok", Payment: "PAY-1"}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if paid := ledger.Paid(); !slices.Equal(paid, []string{"EXP-7"}) {
		t.Fatalf("paid %q, want [EXP-7]", paid)
	}
	reqs := inbox.Requests()
	if len(reqs) != 1 || reqs[0].WorkflowID != run.ID() || reqs[0].Claim != claim {
		t.Fatalf("approval requests: %+v", reqs)
	}
}

func TestRejected(t *testing.T) {
	env, _, ledger := newEnv(t, Decision{Approved: false, By: "maria", Comment: "no receipt"})
	got, err := client.Execute(testCtx(t), env.Client, ExpenseApproval.Review, claim)
	if err != nil {
		t.Fatal(infinitic.ErrorChain(err))
	}
	if want := (Outcome{Status: StatusRejected, By: "maria", Comment: "no receipt"}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if paid := ledger.Paid(); len(paid) != 0 {
		t.Fatalf("a rejected claim was paid: %q", paid)
	}
}

// Nobody answers: the 72-hour deadline fires. The test kit skips time
// when everything is idle, so the test takes no time; the clock shows
// that three days went by.
func TestExpired(t *testing.T) {
	env, inbox, ledger := newEnv(t)
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, ExpenseApproval.Review, claim)
	if err != nil {
		t.Fatal(err)
	}
	got, err := run.Await(ctx)
	if err != nil {
		t.Fatal(infinitic.ErrorChain(err))
	}
	if want := (Outcome{Status: StatusExpired}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if elapsed := env.Clock.Now().Sub(infinitictest.Start); elapsed < claim.Within {
		t.Fatalf("expired after %v of workflow time, before the %v deadline", elapsed, claim.Within)
	}
	if paid := ledger.Paid(); len(paid) != 0 {
		t.Fatalf("an expired claim was paid: %q", paid)
	}
	if n := len(inbox.Requests()); n != 1 {
		t.Fatalf("%d approval requests, want 1", n)
	}
	// A decision arriving too late is refused.
	err = client.Send(ctx, env.Client, Decisions, run.ID(), Decision{Approved: true, By: "maria"})
	if !errors.Is(err, infinitic.ErrWorkflowFinished) {
		t.Fatalf("late decision: want ErrWorkflowFinished, got %v", err)
	}
}

// TestRun runs what `go run ./examples/approval` runs, on the real clock.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(testCtx(t), &out); err != nil {
		t.Fatal(infinitic.ErrorChain(err))
	}
	want := `EXP-1 (Ada, $120.00): approved by maria (receipts ok), paid PAY-1
EXP-2 (Grace, $5000.00): rejected by maria (over budget)
EXP-3 (Alan, $30.00): expired: omar did not decide within 300ms
`
	if got := out.String(); got != want {
		t.Fatalf("printed:\n%s\nwant:\n%s", got, want)
	}
}
