package e2e_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Sales indexes its business state with search fields: the customer and
// amount, and the stage, which changes when the payment arrives.
type Sales interface {
	Place(ctx workflow.Context, o Sale) (string, error)
}

type Sale struct {
	Customer int     `json:"customer"`
	Amount   float64 `json:"amount"`
	Field    string  `json:"field,omitempty"` // a search field to set, to test refusals
}

var salesPaid = workflow.NewChannel[Sales, bool]("paid")

type sales struct{}

func (sales) Place(ctx workflow.Context, o Sale) (string, error) {
	for name, v := range map[string]any{"customer": o.Customer, "amount": o.Amount, "stage": "awaiting-payment"} {
		if err := workflow.SetSearch(ctx, name, v); err != nil {
			return "", err
		}
	}
	if o.Field != "" {
		if err := workflow.SetSearch(ctx, o.Field, true); err != nil {
			return "", err
		}
	}
	if _, err := salesPaid.Receive(ctx).Await(ctx); err != nil {
		return "", err
	}
	if err := workflow.SetSearch(ctx, "stage", "paid"); err != nil {
		return "", err
	}
	return "shipped", nil
}

func TestSearchByBusinessState(t *testing.T) {
	register := func(t *testing.T, w *worker.Worker) {
		if err := worker.AddWorkflow(w, func() Sales { return sales{} }); err != nil {
			t.Fatal(err)
		}
	}
	onBackends(t, register, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		a, err := admin.New(ctx, admin.Config{Transport: d.Transport, Store: d.Store})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = a.Close() })
		stage := func(id, want string) {
			d.waitFor(ctx, t, id+" at stage "+want, func() bool {
				in, err := a.Describe(ctx, "Sales", id)
				return err == nil && in.Search["stage"] == want
			})
		}
		placed := []Sale{{42, 10, ""}, {7, 20, ""}, {42, 100, ""}, {42, 50, ""}}
		for i, o := range placed {
			if d.Mem != nil {
				d.Mem.Clock.Advance(time.Second) // distinct start times
			}
			in, _ := json.Marshal(o)
			if _, err := a.Start(ctx, "Sales", "Place", in, admin.StartOptions{ID: fmt.Sprintf("o-%d", i), Tags: []string{"shop:eu"}}); err != nil {
				t.Fatal(err)
			}
			stage(fmt.Sprintf("o-%d", i), "awaiting-payment")
		}
		if err := a.Signal(ctx, "Sales", "o-3", "paid", json.RawMessage("true")); err != nil {
			t.Fatal(err)
		}
		stage("o-3", "paid")

		in, err := a.Describe(ctx, "Sales", "o-3")
		if err != nil || in.Status != admin.StatusCompleted || in.Search["customer"] != int64(42) || in.Search["amount"] != int64(50) {
			t.Fatalf("o-3: %+v %v", in, err)
		}
		cond := func(s string) admin.Cond {
			c, err := admin.ParseCond(s)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		for _, tc := range []struct {
			name   string
			filter admin.Filter
			want   []string
		}{
			{"customer 42, newest first", admin.Filter{Search: []admin.Cond{cond("customer=42")}}, []string{"o-3", "o-2", "o-0"}},
			{"customer 42 awaiting payment", admin.Filter{Search: []admin.Cond{cond("customer=42"), cond("stage=awaiting-payment")}}, []string{"o-2", "o-0"}},
			{"running, customer 42, by amount", admin.Filter{Status: []admin.Status{admin.StatusRunning}, Search: []admin.Cond{cond("customer=42")}, OrderBy: "amount"}, []string{"o-0", "o-2"}},
			{"amount from 20, by amount", admin.Filter{Search: []admin.Cond{cond("amount>=20")}, OrderBy: "amount"}, []string{"o-1", "o-3", "o-2"}},
			{"amount over 20 and under 100", admin.Filter{Search: []admin.Cond{cond("amount>20"), cond("amount<100")}, OrderBy: "amount"}, []string{"o-3"}},
			{"not customer 42", admin.Filter{Search: []admin.Cond{cond("customer!=42")}}, []string{"o-1"}},
			{"the customer is a number, not a string", admin.Filter{Search: []admin.Cond{cond(`customer="42"`)}}, nil},
			{"tag and stage", admin.Filter{Tag: "shop:eu", Search: []admin.Cond{cond("stage=paid")}}, []string{"o-3"}},
			{"completed, paid", admin.Filter{Status: []admin.Status{admin.StatusCompleted}, Search: []admin.Cond{cond("stage=paid")}}, []string{"o-3"}},
			{"waiting for more than a day (none yet)", admin.Filter{Search: []admin.Cond{cond("stage=awaiting-payment")}, StartedBefore: time.Now().Add(-24 * time.Hour)}, nil},
		} {
			p, err := a.List(ctx, "Sales", tc.filter, 0, "")
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := ids(p.Instances); !slices.Equal(got, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
			if n, err := a.Count(ctx, "Sales", tc.filter); err != nil || n != len(tc.want) {
				t.Errorf("%s: count %d %v, want %d", tc.name, n, err, len(tc.want))
			}
		}
		// Pages of one, ordered by a field, give each instance once.
		var paged []string
		for after, pages := "", 0; pages < 10; pages++ {
			p, err := a.List(ctx, "Sales", admin.Filter{OrderBy: "amount"}, 1, after)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, ids(p.Instances)...)
			if after = p.Next; after == "" {
				break
			}
		}
		if want := []string{"o-0", "o-1", "o-3", "o-2"}; !slices.Equal(paged, want) {
			t.Errorf("paged by amount: %v, want %v", paged, want)
		}

		// The index holds one entry per view of each instance: the paid
		// order left the awaiting-payment view and the running status.
		for _, tc := range []struct {
			view wire.IndexView
			want int
		}{
			{wire.ViewAll("Sales"), 4},
			{wire.ViewTag("Sales", "shop:eu"), 4},
			{wire.ViewSearch("Sales", "stage", mustToken(t, "awaiting-payment")), 3},
			{wire.ViewSearch("Sales", "stage", mustToken(t, "paid")), 1},
			{wire.ViewSearch("Sales", "customer", ""), 4},
		} {
			keys, err := d.Store.Keys(ctx, string(tc.view), "", 0)
			if err != nil || len(keys) != tc.want {
				t.Errorf("%s: %d keys %v, want %d", tc.view, len(keys), err, tc.want)
			}
		}
		if r, err := a.RepairIndex(ctx, "Sales", 0); err != nil || r != (admin.Repair{Instances: 4}) {
			t.Errorf("repair of an exact index: %+v %v", r, err)
		}

		// Bad search fields fail the instance with a clear error.
		in2, _ := json.Marshal(Sale{Customer: 1, Field: "bad name"})
		if _, err := a.Start(ctx, "Sales", "Place", in2, admin.StartOptions{ID: "bad"}); err != nil {
			t.Fatal(err)
		}
		d.waitFor(ctx, t, "bad failed", func() bool {
			in, err := a.Describe(ctx, "Sales", "bad")
			return err == nil && in.Status == admin.StatusFailed
		})
		bad, _ := a.Describe(ctx, "Sales", "bad")
		if bad.Error == nil || !strings.Contains(strings.Join(bad.Error.Chain, " "), "SearchName") {
			t.Errorf("bad search name: %+v", bad.Error)
		}
	})
}

func mustToken(t *testing.T, v any) string {
	t.Helper()
	tok, err := wire.SearchToken(v)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestSetSearchOutsideWorkflow(t *testing.T) {
	if err := workflow.SetSearch(workflow.Context{}, "x", 1); !errors.Is(err, infinitic.ErrNotInWorkflow) {
		t.Fatalf("got %v", err)
	}
}
