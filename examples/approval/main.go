package main

import (
	"context"
	"fmt"
	"github.com/infinitic-go/infinitic/inmemory"
	"io"
	"os"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprint(os.Stderr, infinitic.ErrorChain(err))
		os.Exit(1)
	}
}

// claims are the claims run reviews, and what their approver answers
// (nil: no answer).
var claims = []struct {
	claim  Claim
	answer *Decision
}{
	{Claim{ID: "EXP-1", Employee: "Ada", Cents: 12000, Approver: "maria", Within: time.Minute},
		&Decision{Approved: true, By: "maria", Comment: "receipts ok"}},
	{Claim{ID: "EXP-2", Employee: "Grace", Cents: 500000, Approver: "maria", Within: time.Minute},
		&Decision{Approved: false, By: "maria", Comment: "over budget"}},
	{Claim{ID: "EXP-3", Employee: "Alan", Cents: 3000, Approver: "omar", Within: 300 * time.Millisecond}, nil},
}

// run reviews the claims in parallel on an in-memory deployment, on the
// real clock, and prints each outcome.
func run(ctx context.Context, out io.Writer) (err error) {
	// The fake approver answers as soon as notified, through the client.
	var d *inmemory.Deployment
	inbox := &Inbox{Answer: func(ctx context.Context, req ApprovalRequest) error {
		for _, cl := range claims {
			if cl.claim.ID == req.Claim.ID && cl.answer != nil {
				return client.Send(ctx, d.Client, Decisions, req.WorkflowID, *cl.answer)
			}
		}
		return nil
	}}
	d, err = inmemory.Start(ctx, func(w *worker.Worker) error { return Register(w, inbox, NewLedger()) })
	if err != nil {
		return err
	}
	defer d.Stop(&err)
	c := d.Client

	runs := make([]*client.Run[Outcome], len(claims))
	for i, cl := range claims {
		if runs[i], err = client.Start(ctx, c, ExpenseApproval.Review, cl.claim, client.WithID("review-"+cl.claim.ID)); err != nil {
			return err
		}
	}
	for i, r := range runs {
		o, err := r.Await(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s\n", describe(claims[i].claim, o))
	}
	return nil
}

// describe renders a claim's outcome on one line.
func describe(c Claim, o Outcome) string {
	head := fmt.Sprintf("%s (%s, $%d.%02d): %s", c.ID, c.Employee, c.Cents/100, c.Cents%100, o.Status)
	switch o.Status {
	case StatusApproved:
		return fmt.Sprintf("%s by %s (%s), paid %s", head, o.By, o.Comment, o.Payment)
	case StatusRejected:
		return fmt.Sprintf("%s by %s (%s)", head, o.By, o.Comment)
	}
	return fmt.Sprintf("%s: %s did not decide within %v", head, c.Approver, c.Within)
}
