package workflow_test

import (
	"context"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Approval is what approvers send to an Expense.
type Approval struct {
	By string
	OK bool
}

// Expense is a workflow contract that waits for the outside world.
type Expense interface {
	Review(ctx workflow.Context, amount int) (string, error)
	ReviewBefore(ctx workflow.Context, deadline time.Duration) (string, error)
	Remind(ctx workflow.Context, every time.Duration) (string, error)
}

// Approvals is declared once, next to the contract, typed by what it
// carries; workflow code receives from it, clients and other workflows
// send to it.
var Approvals = workflow.NewChannel[Expense, Approval]("approvals")

type expense struct{}

// Review waits for the boss's approval: values from others are kept for
// other receives.
func (expense) Review(ctx workflow.Context, amount int) (string, error) {
	a, err := Approvals.Receive(ctx, workflow.Where("By", "boss")).Await(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d approved by %s: %v", amount, a.By, a.OK), nil
}

// ReviewBefore races an approval against a durable timer: AnyOf gives the
// index of the first to finish and leaves the other untouched.
func (expense) ReviewBefore(ctx workflow.Context, deadline time.Duration) (string, error) {
	approval := Approvals.Receive(ctx)
	timer := workflow.Timer(ctx, deadline)
	first, err := workflow.AnyOf(approval, timer).Await(ctx)
	if err != nil {
		return "", err
	}
	if first == 1 {
		return "expired", nil
	}
	a, err := approval.Await(ctx)
	return "approved by " + a.By, err
}

// Remind sleeps twice, then waits until an instant: timers are durable
// and workflow.Now is the time of the event being processed.
func (expense) Remind(ctx workflow.Context, every time.Duration) (string, error) {
	start := workflow.Now(ctx)
	for range 2 {
		if err := workflow.Sleep(ctx, every); err != nil {
			return "", err
		}
	}
	fired, err := workflow.TimerUntil(ctx, start.Add(3*every)).Await(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("reminded twice, then at start+3×every: %v", !fired.Before(start.Add(3*every))), nil
}

func deployExpense() (*client.Client, func()) {
	d, err := inmemory.Start(context.Background(), func(w *worker.Worker) error {
		return worker.AddWorkflow(w, func() Expense { return expense{} })
	})
	if err != nil {
		panic(err)
	}
	return d.Client, func() { _ = d.Close() }
}

func ExampleNewChannel() {
	c, stop := deployExpense()
	defer stop()
	ctx := context.Background()
	run, err := client.Start(ctx, c, Expense.Review, 120)
	if err != nil {
		panic(err)
	}
	// Send returns once the value is in the instance's history.
	for _, a := range []Approval{{By: "intern", OK: true}, {By: "boss", OK: true}} {
		if err := client.Send(ctx, c, Approvals, run.ID(), a); err != nil {
			panic(err)
		}
	}
	fmt.Println(run.Await(ctx))
	// Output:
	// 120 approved by boss: true <nil>
}

func ExampleAnyOf() {
	c, stop := deployExpense()
	defer stop()
	ctx := context.Background()

	answered, err := client.Start(ctx, c, Expense.ReviewBefore, time.Hour)
	if err != nil {
		panic(err)
	}
	if err := client.Send(ctx, c, Approvals, answered.ID(), Approval{By: "boss", OK: true}); err != nil {
		panic(err)
	}
	fmt.Println(answered.Await(ctx))
	fmt.Println(client.Execute(ctx, c, Expense.ReviewBefore, 10*time.Millisecond))
	// Output:
	// approved by boss <nil>
	// expired <nil>
}

func ExampleTimer() {
	c, stop := deployExpense()
	defer stop()
	fmt.Println(client.Execute(context.Background(), c, Expense.Remind, 10*time.Millisecond))
	// Output:
	// reminded twice, then at start+3×every: true <nil>
}
