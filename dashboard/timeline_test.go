package dashboard

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/admin"
)

func TestRoundDuration(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{1500 * time.Nanosecond, "2µs"},
		{1234567 * time.Nanosecond, "1.23ms"},
		{3191812345 * time.Nanosecond, "3.19s"},
		{45678 * time.Millisecond, "45.7s"},
		{754 * time.Second, "12m34s"},
		{26*time.Hour + 31*time.Minute, "26h31m0s"},
	} {
		if got := roundDuration(tc.in).String(); got != tc.want {
			t.Errorf("roundDuration(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// history of an instance that charged, waited for a confirmation and got
// it, then failed in a child.
func sampleHistory(t0 time.Time) []admin.Step {
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	return []admin.Step{
		{Kind: admin.StepStart, Status: admin.StepCompleted, Target: "Orders.Order", At: at(0), Input: json.RawMessage(`1`)},
		{Kind: admin.StepTask, Status: admin.StepCompleted, Target: "Till.Charge", At: at(10), Done: at(30), Output: json.RawMessage(`1`), Attempts: 1},
		{Kind: admin.StepReceive, Status: admin.StepCompleted, Target: "confirmations", At: at(30), Done: at(60)},
		{Kind: admin.StepSignal, Status: admin.StepCompleted, Target: "confirmations", At: at(60), Input: json.RawMessage(`{"By":"ada"}`)},
		{Kind: admin.StepChild, Status: admin.StepFailed, Target: "Receipts.Issue", At: at(60), Done: at(100), Error: &admin.Failure{Chain: []string{"child failed", "no paper"}}},
		{Kind: admin.StepTimer, Status: admin.StepPending, At: at(100), Due: at(200)},
	}
}

func TestStateAt(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	steps := sampleHistory(t0)
	kinds := func(ss []admin.Step) (out []string) {
		for _, s := range ss {
			out = append(out, string(s.Kind)+" "+s.Target)
		}
		return out
	}
	for _, tc := range []struct {
		ms               int
		pending, arrived []string
	}{
		{-5, nil, nil},
		{0, nil, []string{"start Orders.Order"}},
		{20, []string{"task Till.Charge"}, []string{"start Orders.Order"}},
		{30, []string{"receive confirmations"}, []string{"start Orders.Order", "task Till.Charge"}},
		{60, []string{"child Receipts.Issue"}, []string{"start Orders.Order", "task Till.Charge", "receive confirmations", "signal confirmations"}},
		{150, []string{"timer "}, []string{"start Orders.Order", "task Till.Charge", "receive confirmations", "signal confirmations", "child Receipts.Issue"}},
	} {
		snap := stateAt(steps, t0.Add(time.Duration(tc.ms)*time.Millisecond))
		if got := kinds(snap.Pending); !equal(got, tc.pending) {
			t.Errorf("at +%dms: pending %q, want %q", tc.ms, got, tc.pending)
		}
		if got := kinds(snap.Arrived); !equal(got, tc.arrived) {
			t.Errorf("at +%dms: arrived %q, want %q", tc.ms, got, tc.arrived)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLayout(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	steps := sampleHistory(t0)
	in := &admin.Instance{Method: "Order", Status: admin.StatusRunning, Started: t0}
	now := t0.Add(200 * time.Millisecond)
	tl := layout(in, steps, now, t0.Add(60*time.Millisecond))
	x := func(ms int) float64 { return labelWidth + plotWidth*float64(ms)/200 }
	if len(tl.Rows) != len(steps)+1 {
		t.Fatalf("%d rows, want the instance and %d steps", len(tl.Rows), len(steps))
	}
	for i, want := range []struct {
		x1, x2 float64
		mark   bool
	}{
		{x(0), x(200), false},  // the instance, running until now
		{x(0), x(0) + 2, true}, // start: a mark
		{x(10), x(30), false},
		{x(30), x(60), false},
		{x(60), x(60) + 2, true}, // the signal
		{x(60), x(100), false},
		{x(100), x(200), false}, // the pending timer, until now
	} {
		r := tl.Rows[i]
		if r.X1 != want.x1 || r.X2 != want.x2 || r.Mark != want.mark {
			t.Errorf("row %d (%s): x %.1f to %.1f mark %v, want %.1f to %.1f mark %v", i, r.Label, r.X1, r.X2, r.Mark, want.x1, want.x2, want.mark)
		}
	}
	if len(tl.Points) != 5 { // 0, 10, 30, 60, 100 ms
		t.Errorf("%d instants, want 5: %+v", len(tl.Points), tl.Points)
	}
	if tl.Cursor != x(60) {
		t.Errorf("cursor at %.1f, want %.1f (the selected instant)", tl.Cursor, x(60))
	}
	if got := tl.Rows[5].Title; got != "child Receipts.Issue: failed: child failed" {
		t.Errorf("title %q", got)
	}
}
