package main

import (
	"github.com/infinitic-go/infinitic/workflow"
)

// expenseApproval implements ExpenseApproval.
type expenseApproval struct{}

// Review asks for a decision, then races the decision against a timer.
// Both are durable: the workflow may wait for days, through restarts of
// every process, and neither a decision nor the deadline is lost.
func (expenseApproval) Review(ctx workflow.Context, claim Claim) (Outcome, error) {
	// Only the claim's approver decides: decisions sent by anyone else
	// stay in the channel, unread. A decision sent before this point (even
	// before the notification went out) is kept for this receive.
	decision := Decisions.Receive(ctx, workflow.Where("by", claim.Approver))
	deadline := workflow.Timer(ctx, claim.Within)
	req := ApprovalRequest{WorkflowID: workflow.GetInfo(ctx).ID, Claim: claim}
	if _, err := workflow.Call(ctx, Notifier.AskApproval, req); err != nil {
		return Outcome{}, err
	}

	outcome, err := workflow.Any(
		workflow.Async(ctx, func(ctx workflow.Context) (Outcome, error) {
			d, err := decision.Await(ctx)
			if err != nil {
				return Outcome{}, err
			}
			if !d.Approved {
				return Outcome{Status: StatusRejected, By: d.By, Comment: d.Comment}, nil
			}
			return Outcome{Status: StatusApproved, By: d.By, Comment: d.Comment}, nil
		}),
		workflow.Async(ctx, func(ctx workflow.Context) (Outcome, error) {
			_, err := deadline.Await(ctx)
			return Outcome{Status: StatusExpired}, err
		}),
	).Await(ctx)
	if err != nil {
		return Outcome{}, err
	}
	if outcome.Status != StatusExpired {
		// The deadline no longer matters: its firing will be ignored.
		if err := deadline.Cancel(ctx); err != nil {
			return Outcome{}, err
		}
	}
	if outcome.Status == StatusApproved {
		if outcome.Payment, err = workflow.Call(ctx, Payments.Reimburse, claim); err != nil {
			return Outcome{}, err
		}
	}
	return outcome, nil
}
