package admin

import (
	"testing"
	"time"
)

func TestParseCond(t *testing.T) {
	when := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want Cond
		err  bool
	}{
		{in: "customer=42", want: Cond{"customer", Eq, int64(42)}},
		{in: "amount>=100.5", want: Cond{"amount", Ge, 100.5}},
		{in: "amount>-1", want: Cond{"amount", Gt, int64(-1)}},
		{in: "stage!=done", want: Cond{"stage", Ne, "done"}},
		{in: "vip=true", want: Cond{"vip", Eq, true}},
		{in: `code="42"`, want: Cond{"code", Eq, "42"}},
		{in: "due<2026-12-01T00:00:00Z", want: Cond{"due", Lt, when}},
		{in: "due<=x", want: Cond{"due", Le, "x"}},
		{in: "note=a=b", want: Cond{"note", Eq, "a=b"}},
		{in: "empty=", want: Cond{"empty", Eq, ""}},
		{in: "=42", err: true},
		{in: "customer", err: true},
		{in: "bad name=1", err: true},
		{in: "x=>1", want: Cond{"x", Eq, ">1"}},
	} {
		got, err := ParseCond(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("%q: error %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if !tc.err && (got.Field != tc.want.Field || got.Op != tc.want.Op || got.Value != tc.want.Value) {
			t.Errorf("%q: got %#v, want %#v", tc.in, got, tc.want)
		}
	}
}
