package main

import (
	"errors"

	"github.com/infinitic-go/infinitic/worker"
)

// Register puts the Notifier, the Payments service and the
// ExpenseApproval workflow on w.
func Register(w *worker.Worker, inbox *Inbox, ledger *Ledger) error {
	return errors.Join(
		worker.AddService[Notifier](w, inbox),
		worker.AddService[Payments](w, ledger),
		worker.AddWorkflow(w, func() ExpenseApproval { return expenseApproval{} }),
	)
}
