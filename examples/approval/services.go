package main

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/infinitic-go/infinitic"
)

// Inbox is a fake Notifier: it records the requests and hands each one to
// Answer, which stands for the approver. Answer runs inside the task, so
// the decision it sends reaches the workflow before the task ends.
type Inbox struct {
	// Answer is called with each request; nil: nobody answers.
	Answer func(ctx context.Context, req ApprovalRequest) error

	mu       sync.Mutex
	requests []ApprovalRequest
}

// AskApproval implements Notifier.
func (i *Inbox) AskApproval(ctx context.Context, req ApprovalRequest) (string, error) {
	i.mu.Lock()
	i.requests = append(i.requests, req)
	i.mu.Unlock()
	if i.Answer != nil {
		if err := i.Answer(ctx, req); err != nil {
			return "", err
		}
	}
	return "asked " + req.Claim.Approver, nil
}

// Requests returns the requests received so far.
func (i *Inbox) Requests() []ApprovalRequest {
	i.mu.Lock()
	defer i.mu.Unlock()
	return slices.Clone(i.requests)
}

// Ledger is a fake Payments that records reimbursements. It is idempotent
// by task id: a task run twice pays once.
type Ledger struct {
	mu       sync.Mutex
	payments map[string]Claim  // by reference
	byTask   map[string]string // task id → reference
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{payments: map[string]Claim{}, byTask: map[string]string{}}
}

// Reimburse implements Payments.
func (l *Ledger) Reimburse(ctx context.Context, claim Claim) (string, error) {
	task, _ := infinitic.TaskFrom(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	if ref, ok := l.byTask[task.ID]; ok && task.ID != "" {
		return ref, nil
	}
	ref := fmt.Sprintf("PAY-%d", len(l.payments)+1)
	l.payments[ref] = claim
	l.byTask[task.ID] = ref
	return ref, nil
}

// Paid returns the claim ids paid so far, sorted.
func (l *Ledger) Paid() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ids []string
	for _, c := range l.payments {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	return ids
}
