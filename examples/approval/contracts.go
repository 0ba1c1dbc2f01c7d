// Command approval waits for a human decision or a deadline, whichever
// comes first: an expense claim is sent to its approver, then the workflow
// waits on a channel for the approver's decision, raced against a durable
// timer with workflow.Any. Approved claims are reimbursed; rejected and
// expired ones are not.
//
//	go run ./examples/approval
//
// The approver's decision reaches the workflow through client.Send on the
// Decisions channel, from any process that knows the workflow id (here,
// a fake approver in the same process; in real life, the web handler
// behind the link of the approval e-mail). The program runs three claims:
// one approved, one rejected and one nobody answers in time.
package main

import (
	"context"
	"time"

	"github.com/infinitic-go/infinitic/workflow"
)

// Claim is an expense claim.
type Claim struct {
	ID       string
	Employee string
	Cents    int // amount
	Approver string
	// Within is how long the approver has to decide.
	Within time.Duration
}

// Decision is an approver's answer, sent to the Decisions channel of the
// claim's workflow. Its JSON field names are what workflow.Where filters
// on.
type Decision struct {
	Approved bool   `json:"approved"`
	By       string `json:"by"`
	Comment  string `json:"comment,omitempty"`
}

// Outcome statuses.
const (
	StatusApproved = "approved"
	StatusRejected = "rejected"
	StatusExpired  = "expired"
)

// Outcome is how a claim ended.
type Outcome struct {
	Status  string // StatusApproved, StatusRejected or StatusExpired
	By      string // who decided (empty if expired)
	Comment string
	Payment string // reference of the reimbursement, if approved
}

// ApprovalRequest asks an approver to decide on a claim. WorkflowID is
// where the decision goes.
type ApprovalRequest struct {
	WorkflowID string
	Claim      Claim
}

// Notifier is a service contract: it tells approvers that a claim awaits
// their decision.
type Notifier interface {
	AskApproval(ctx context.Context, req ApprovalRequest) (string, error)
}

// Payments is a service contract: it reimburses approved claims.
type Payments interface {
	// Reimburse pays the claim and returns the payment reference.
	Reimburse(ctx context.Context, claim Claim) (string, error)
}

// ExpenseApproval is the workflow contract.
type ExpenseApproval interface {
	// Review asks the claim's approver and waits for the decision until
	// claim.Within elapses.
	Review(ctx workflow.Context, claim Claim) (Outcome, error)
}

// Decisions is the channel approvers' decisions travel on. Clients send
// to it with client.Send(ctx, c, Decisions, workflowID, decision).
var Decisions = workflow.NewChannel[ExpenseApproval, Decision]("decisions")
