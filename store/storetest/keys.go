package storetest

import (
	"errors"
	"slices"
)

func errIs(err, target error) bool { return errors.Is(err, target) }

var keysCases = []testCase{
	{"KeysPrefixAndOrder", func(e *env) {
		all := []string{"wf.b.2", "wf.a.1", "wf.a.10", "wf.a.2", "tag/x/1", "tag/x/2", "tag/xy/1", "wfx.1"}
		for _, k := range all {
			e.put(e.key(k), "v", 0)
		}
		check := func(prefix string, want ...string) {
			e.t.Helper()
			got, err := e.s.Keys(e.ctx, e.key(prefix), "", 0)
			if err != nil {
				e.t.Fatalf("Keys(%q): %v", prefix, err)
			}
			for i := range want {
				want[i] = e.key(want[i])
			}
			if !slices.Equal(got, want) {
				e.t.Errorf("Keys(%q) = %q, want %q", prefix, got, want)
			}
		}
		check("wf.a.", "wf.a.1", "wf.a.10", "wf.a.2")
		check("wf.", "wf.a.1", "wf.a.10", "wf.a.2", "wf.b.2")
		check("wf", "wf.a.1", "wf.a.10", "wf.a.2", "wf.b.2", "wfx.1")
		check("tag/x/", "tag/x/1", "tag/x/2")
		check("tag/x", "tag/x/1", "tag/x/2", "tag/xy/1")
		check("wf.a.1", "wf.a.1", "wf.a.10")
		check("none.")
		check("", "tag/x/1", "tag/x/2", "tag/xy/1", "wf.a.1", "wf.a.10", "wf.a.2", "wf.b.2", "wfx.1")
	}},
	{"KeysPaging", func(e *env) {
		var want []string
		for _, c := range "jihgfedcba" {
			k := e.key("p." + string(c))
			e.put(k, "v", 0)
			want = append(want, k)
		}
		slices.Sort(want)
		var got []string
		after := ""
		for pages := 0; ; pages++ {
			page, err := e.s.Keys(e.ctx, e.key("p."), after, 3)
			if err != nil {
				e.t.Fatalf("Keys: %v", err)
			}
			if len(page) > 3 {
				e.t.Fatalf("Keys(limit 3) returned %d keys", len(page))
			}
			if len(page) == 0 || pages > 10 {
				break
			}
			got = append(got, page...)
			after = page[len(page)-1]
		}
		if !slices.Equal(got, want) {
			e.t.Errorf("paged keys = %q, want %q", got, want)
		}
		page, _ := e.s.Keys(e.ctx, e.key("p."), e.key("p.d"), 2)
		if !slices.Equal(page, []string{e.key("p.e"), e.key("p.f")}) {
			e.t.Errorf("Keys(after p.d, limit 2) = %q", page)
		}
	}},
	{"KeysSkipDeleted", func(e *env) {
		v := e.put(e.key("d.gone"), "v", 0)
		e.put(e.key("d.kept"), "v", 0)
		if err := e.s.Delete(e.ctx, e.key("d.gone"), v); err != nil {
			e.t.Fatalf("Delete: %v", err)
		}
		got, err := e.s.Keys(e.ctx, e.key("d."), "", 0)
		if err != nil {
			e.t.Fatalf("Keys: %v", err)
		}
		if !slices.Equal(got, []string{e.key("d.kept")}) {
			e.t.Errorf("Keys = %q, want only the kept key", got)
		}
	}},
}
