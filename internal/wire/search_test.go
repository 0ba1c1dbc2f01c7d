package wire

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
)

// Tokens sort like the values they encode, and decode back to them.
func TestSearchTokenOrder(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		asc  []any // ascending values of one kind
	}{
		{"numbers", []any{math.Inf(-1), -1e300, int64(math.MinInt64), int64(math.MinInt64) + 1, -1000, -1.5, -1, -1e-9, 0, 1e-9, 1,
			1.5, int8(2), 2.5, uint16(300), 1 << 53, 1<<53 + 1, int64(math.MaxInt64) - 1, int64(math.MaxInt64), 1e19, 1e300, math.Inf(1)}},
		{"strings", []any{"", "a", "ab", "b", "ba", "é", "\u65e5\u672c"}},
		{"bools", []any{false, true}},
		{"times", []any{time.Unix(0, 0), t0.Add(-time.Hour), t0, t0.Add(time.Nanosecond)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prev := ""
			for i, v := range tc.asc {
				tok, err := SearchToken(v)
				if err != nil {
					t.Fatalf("%v: %v", v, err)
				}
				if i > 0 && tok <= prev {
					t.Errorf("token of %v (%s) does not sort after the previous one (%s)", v, tok, prev)
				}
				prev = tok
				back, err := SearchValue(tok)
				if err != nil {
					t.Fatalf("decode %s: %v", tok, err)
				}
				again, _ := SearchToken(back)
				if again != tok {
					t.Errorf("%v decodes to %v (%T), which encodes to %s, not %s", v, back, back, again, tok)
				}
			}
		})
	}
}

// Numbers are one kind: 42 and 42.0 are one value.
func TestSearchTokenNumbers(t *testing.T) {
	for _, pair := range [][2]any{{42, 42.0}, {int8(-3), float32(-3)}, {uint(7), int64(7)}, {0, math.Copysign(0, -1)}} {
		a, _ := SearchToken(pair[0])
		b, _ := SearchToken(pair[1])
		if a != b {
			t.Errorf("%v (%T) and %v (%T) differ: %s, %s", pair[0], pair[0], pair[1], pair[1], a, b)
		}
	}
	tok, _ := SearchToken(42.0)
	if v, err := SearchValue(tok); v != int64(42) || err != nil {
		t.Errorf("42.0 decodes to %v (%T) %v, want int64 42", v, v, err)
	}
}

func TestSearchTokenRefused(t *testing.T) {
	long := string(make([]byte, infinitic.MaxSearchValue+1))
	for _, v := range []any{nil, struct{}{}, []int{1}, math.NaN(), uint64(math.MaxUint64), long, "\xff"} {
		if tok, err := SearchToken(v); err == nil {
			t.Errorf("SearchToken(%v) = %s, want an error", v, tok)
		}
	}
	var limit *infinitic.LimitError
	if _, err := SearchToken(long); !errors.As(err, &limit) || limit.Limit != "MaxSearchValue" {
		t.Errorf("long string: %v, want a MaxSearchValue LimitError", err)
	}
	for _, name := range []string{"", "a.b", "a b", string(make([]byte, 65))} {
		if err := CheckSearchName(name); !errors.As(err, &limit) || limit.Limit != "SearchName" {
			t.Errorf("CheckSearchName(%q) = %v, want a SearchName LimitError", name, err)
		}
	}
}

// Each view of the index lists the instance once per status; keys parse
// back to the id.
func TestIndexKeys(t *testing.T) {
	st := &State{ID: "a.b", Workflow: "W", Status: StatusRunning, Started: time.Unix(1, 0),
		Tags: []string{"vip", CustomIDTag("order-7")}, Search: map[string]string{"customer": "i8000000000000002a"}}
	keys := IndexKeys(st)
	want := []string{
		IndexPrefix("W", StatusRunning) + IndexTime(st.Started) + "." + KeyToken("a.b"),
		ViewTag("W", "vip").Prefix(StatusRunning) + IndexTime(st.Started) + "." + KeyToken("a.b"),
		ViewTag("W", CustomIDTag("order-7")).Prefix(StatusRunning) + IndexTime(st.Started) + "." + KeyToken("a.b"),
		ViewSearch("W", "customer", "i8000000000000002a").Prefix(StatusRunning) + IndexTime(st.Started) + "." + KeyToken("a.b"),
	}
	if len(keys) != len(want) {
		t.Fatalf("keys %q, want %q", keys, want)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Errorf("key %d = %q, want %q", i, keys[i], want[i])
		}
		if id, err := IndexID(keys[i]); err != nil || id != "a.b" {
			t.Errorf("IndexID(%q) = %q, %v", keys[i], id, err)
		}
	}
	if IndexKeys(&State{ID: "x", Workflow: "W"}) != nil {
		t.Error("a state that only holds early messages is indexed")
	}
}

func FuzzSearchValue(f *testing.F) {
	for _, v := range []any{"x", 42, -1.5, true, time.Unix(5, 0)} {
		tok, _ := SearchToken(v)
		f.Add(tok)
	}
	f.Add("s0")
	f.Add("i")
	f.Fuzz(func(t *testing.T, tok string) {
		v, err := SearchValue(tok)
		if err != nil {
			return
		}
		again, err := SearchToken(v)
		if err != nil {
			t.Fatalf("%q decodes to %v, which does not encode: %v", tok, v, err)
		}
		if back, _ := SearchValue(again); back != v {
			t.Fatalf("%q: %v re-encodes to %q which decodes to %v", tok, v, again, back)
		}
	})
}
