package e2e_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Basket collects n items sent to it, then returns them sorted: an entity
// that signal-with-start creates on its first item.
type Basket interface {
	Collect(ctx workflow.Context, n int) ([]string, error)
	// Relay sends item to the basket to (an id, or "custom:" and a custom
	// id) by signal-with-start, from workflow code.
	Relay(ctx workflow.Context, r Relayed) (string, error)
}

// Relayed is what Relay sends, and where.
type Relayed struct {
	To, Item string
	N        int // the items the basket waits for, if Relay starts it
}

var Items = workflow.NewChannel[Basket, string]("items")

type basket struct{}

func (basket) Collect(ctx workflow.Context, n int) ([]string, error) {
	var got []string
	for range n {
		item, err := Items.Receive(ctx).Await(ctx)
		if err != nil {
			return nil, err
		}
		got = append(got, item)
	}
	slices.Sort(got)
	return got, nil
}

func (basket) Relay(ctx workflow.Context, r Relayed) (string, error) {
	to := workflow.Target{ID: r.To}
	if c, ok := cutPrefix(r.To, "custom:"); ok {
		to = workflow.Target{CustomID: c}
	}
	return "relayed", workflow.SignalWithStart(ctx, to, Items, r.Item, Basket.Collect, r.N)
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return s, false
}

func registerBasket(t *testing.T, w *worker.Worker) {
	if err := worker.AddWorkflow(w, func() Basket { return basket{} }); err != nil {
		t.Fatal(err)
	}
}

// registerReplayedBasket keeps no instance live: each step replays the
// history, so the recorded signal-with-start commands are checked.
func registerReplayedBasket(t *testing.T, w *worker.Worker) {
	if err := worker.AddWorkflow(w, func() Basket { return basket{} }, worker.WithCacheSize(0)); err != nil {
		t.Fatal(err)
	}
}

// TestSignalWithStartRaces: concurrent signal-with-starts to one instance
// (by id, by custom id, racing a plain start) start it once, and it
// receives every value.
func TestSignalWithStartRaces(t *testing.T) {
	onBackends(t, registerBasket, func(t *testing.T, d *deployment) {
		const senders = 6
		for _, c := range []struct {
			name      string
			opt       client.StartOption
			withStart bool // a plain Start of the same instance races too
		}{
			{"by id", client.WithID("basket-1"), false},
			{"by custom id", client.WithCustomID("cart-1"), false},
			{"by id racing a start", client.WithID("basket-2"), true},
			{"by custom id racing a start", client.WithCustomID("cart-2"), true},
		} {
			t.Run(c.name, func(t *testing.T) {
				ctx := testCtx(t)
				var wg sync.WaitGroup
				ids := make(chan string, senders+1)
				errs := make(chan error, senders+1)
				if c.withStart {
					wg.Go(func() {
						run, err := client.Start(ctx, d.Client, Basket.Collect, senders, c.opt)
						if err == nil {
							ids <- run.ID()
						}
						errs <- err
					})
				}
				for i := range senders {
					wg.Go(func() {
						run, err := client.SignalWithStart(ctx, d.Client, Items, fmt.Sprint("item-", i), Basket.Collect, senders, c.opt)
						if err == nil {
							ids <- run.ID()
						}
						errs <- err
					})
				}
				wg.Wait()
				close(ids)
				close(errs)
				for err := range errs {
					if err != nil {
						t.Fatal(err)
					}
				}
				var first string
				for id := range ids {
					if first == "" {
						first = id
					}
					if id != first {
						t.Fatalf("two instances: %s and %s", first, id)
					}
				}
				run, err := client.Attach(d.Client, Basket.Collect, first)
				if err != nil {
					t.Fatal(err)
				}
				got, err := run.Await(ctx)
				want := []string{"item-0", "item-1", "item-2", "item-3", "item-4", "item-5"}
				if err != nil || !slices.Equal(got, want) {
					t.Fatalf("got %v, %v; want %v", got, err, want)
				}
			})
		}
	})
}

// TestSignalWithStartAfterEnd: by id, an ended instance refuses the value;
// by custom id, a new instance starts with it.
func TestSignalWithStartAfterEnd(t *testing.T) {
	onBackends(t, registerBasket, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		for _, opt := range []client.StartOption{client.WithID("done-1"), client.WithCustomID("done-cart")} {
			first, err := client.SignalWithStart(ctx, d.Client, Items, "a", Basket.Collect, 1, opt)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := first.Await(ctx); err != nil || !slices.Equal(got, []string{"a"}) {
				t.Fatalf("first: %v, %v", got, err)
			}
			second, err := client.SignalWithStart(ctx, d.Client, Items, "b", Basket.Collect, 1, opt)
			if first.ID() == "done-1" {
				if !errors.Is(err, infinitic.ErrWorkflowFinished) {
					t.Fatalf("by id after the end: %v, want ErrWorkflowFinished", err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if second.ID() == first.ID() {
				t.Fatalf("by custom id after the end: the ended instance %s again", first.ID())
			}
			if got, err := second.Await(ctx); err != nil || !slices.Equal(got, []string{"b"}) {
				t.Fatalf("second: %v, %v", got, err)
			}
			ids, err := client.FindByTag[Basket](ctx, d.Client, "customId:done-cart")
			if err != nil || len(ids) > 1 {
				t.Fatalf("running with the custom id: %v, %v", ids, err)
			}
		}
	})
}

// TestSignalWithStartFromWorkflows: workflow code signals-with-start an
// instance by id and by custom id, several relays at once; the target is
// started once and gets every value, and the histories replay at each step.
func TestSignalWithStartFromWorkflows(t *testing.T) {
	for _, c := range []struct{ name, to string }{{"by id", "relay-target"}, {"by custom id", "custom:relay-cart"}} {
		t.Run(c.name, func(t *testing.T) {
			onBackends(t, registerReplayedBasket, func(t *testing.T, d *deployment) {
				ctx := testCtx(t)
				const relays = 4
				var wg sync.WaitGroup
				errs := make(chan error, relays)
				for i := range relays {
					wg.Go(func() {
						out, err := client.Execute(ctx, d.Client, Basket.Relay, Relayed{To: c.to, Item: fmt.Sprint("r", i), N: relays + 1})
						if err == nil && out != "relayed" {
							err = fmt.Errorf("relay returned %q", out)
						}
						errs <- err
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					if err != nil {
						t.Fatal(err)
					}
				}
				// The relays' messages may still be on their way, or the
				// target done with them already: it waits for one more item,
				// which the test sends the same way and which finds it (a
				// target looked up by its tag would be gone once it ended).
				id, byCustomID := cutPrefix(c.to, "custom:")
				opt := client.WithID(id)
				if byCustomID {
					opt = client.WithCustomID(id)
				}
				run, err := client.SignalWithStart(ctx, d.Client, Items, "z", Basket.Collect, relays+1, opt)
				if err != nil {
					t.Fatal(err)
				}
				got, err := run.Await(ctx)
				if want := []string{"r0", "r1", "r2", "r3", "z"}; err != nil || !slices.Equal(got, want) {
					t.Fatalf("got %v, %v; want %v", got, err, want)
				}
			})
		})
	}
}
