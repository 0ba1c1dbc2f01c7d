package e2e_test

import (
	"slices"
	"testing"

	"github.com/infinitic-go/infinitic/client"
)

// Expense.Review waits for approvals: a good subject for tags.

func TestTags(t *testing.T) {
	env := newExpenseEnv(t)
	ctx := testCtx(t)
	var team []string
	for range 3 {
		run, err := client.Start(ctx, env.Client, Expense.Review, 0, client.WithTags("team:blue", "expense"))
		if err != nil {
			t.Fatal(err)
		}
		team = append(team, run.ID())
	}
	other, err := client.Start(ctx, env.Client, Expense.Review, 0, client.WithTags("team:red"))
	if err != nil {
		t.Fatal(err)
	}
	// The engines index tags when they take the dispatches, after Start
	// returned.
	waitFor(ctx, t, env, func() bool {
		ids, _ := client.FindByTag[Expense](ctx, env.Client, "expense")
		red, _ := client.FindByTag[Expense](ctx, env.Client, "team:red")
		return len(ids) == 3 && len(red) == 1
	})
	ids, err := client.FindByTag[Expense](ctx, env.Client, "team:blue")
	slices.Sort(ids)
	slices.Sort(team)
	if err != nil || !slices.Equal(ids, team) {
		t.Fatalf("FindByTag: %v %v, want %v", ids, err, team)
	}
	for _, a := range []Approval{{"ann", "draft"}, {"boss", "final"}} {
		if n, err := client.SendByTag(ctx, env.Client, Approvals, "team:blue", a); err != nil || n != 3 {
			t.Fatalf("SendByTag: %d %v", n, err)
		}
	}
	for _, id := range team {
		run, _ := client.Attach(env.Client, Expense.Review, id)
		if got, err := run.Await(ctx); err != nil || got != "by ann, then final by boss" {
			t.Fatalf("%s: %q %v", id, got, err)
		}
	}
	// Finished instances leave the index.
	if ids, err := client.FindByTag[Expense](ctx, env.Client, "team:blue"); err != nil || len(ids) != 0 {
		t.Fatalf("after completion: %v %v", ids, err)
	}
	if n, err := client.CancelByTag[Expense](ctx, env.Client, "team:red", "budget cut"); err != nil || n != 1 {
		t.Fatalf("CancelByTag: %d %v", n, err)
	}
	if _, err := other.Await(ctx); err == nil {
		t.Fatal("canceled instance: want error")
	}
}

func TestCustomIDAtMostOneRunning(t *testing.T) {
	env := newExpenseEnv(t)
	ctx := testCtx(t)
	first, err := client.Start(ctx, env.Client, Expense.Review, 0, client.WithCustomID("order-42"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := client.Start(ctx, env.Client, Expense.Review, 0, client.WithCustomID("order-42"))
	if err != nil {
		t.Fatal(err)
	}
	if first.ID() != second.ID() {
		t.Fatalf("two instances for one custom id: %s %s", first.ID(), second.ID())
	}
	waitFor(ctx, t, env, func() bool {
		ids, _ := client.FindByTag[Expense](ctx, env.Client, "customId:order-42")
		return len(ids) == 1 && ids[0] == first.ID()
	})
	for _, a := range []Approval{{"ann", "x"}, {"bob", "final"}} {
		if err := client.Send(ctx, env.Client, Approvals, first.ID(), a); err != nil {
			t.Fatal(err)
		}
	}
	// Both callers joined the one running instance.
	for _, r := range []*client.Run[string]{first, second} {
		if got, err := r.Await(ctx); err != nil || got != "by ann, then final by bob" {
			t.Fatalf("got %q %v", got, err)
		}
	}
	// After it finished, the custom id starts a new run.
	third, err := client.Start(ctx, env.Client, Expense.Review, 0, client.WithCustomID("order-42"))
	if err != nil {
		t.Fatal(err)
	}
	if third.ID() == first.ID() {
		t.Fatal("a finished instance was joined instead of starting a new one")
	}
	for _, a := range []Approval{{"cid", "x"}, {"dan", "final"}} {
		if err := client.Send(ctx, env.Client, Approvals, third.ID(), a); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := third.Await(ctx); err != nil || got != "by cid, then final by dan" {
		t.Fatalf("new run: %q %v", got, err)
	}
}
