package storetest

import (
	"github.com/infinitic-go/infinitic/store"
)

// pipelineCases check store.Pipeliner, on the stores that implement it.
var pipelineCases = []testCase{
	{"Pipeline", func(e *env) {
		p := e.pipeliner()
		over, stale, created := e.key("over"), e.key("stale"), e.key("created")
		v1 := e.put(over, "one", 0)
		vs := e.put(stale, "kept", 0)
		writes := []store.Write{
			{Key: over, Value: []byte("two"), Overwrite: true},
			{Key: stale, Value: []byte("lost"), Expected: vs + 1000},
			{Key: created, Value: []byte("new")},
		}
		versions, errs := p.Pipeline(e.ctx, writes)
		if len(versions) != len(writes) || len(errs) != len(writes) {
			e.t.Fatalf("%d versions and %d errors for %d writes", len(versions), len(errs), len(writes))
		}
		if errs[0] != nil || errs[2] != nil {
			e.t.Fatalf("errors %v", errs)
		}
		e.wantErr("write at a wrong version", errs[1], store.ErrConflict)
		if got, v := e.get(over); got != "two" || v != versions[0] || v <= v1 {
			e.t.Errorf("overwritten key: %q@%d, want two@%d (after %d)", got, v, versions[0], v1)
		}
		if got, v := e.get(stale); got != "kept" || v != vs {
			e.t.Errorf("key of the failed write: %q@%d, want kept@%d", got, v, vs)
		}
		if got, v := e.get(created); got != "new" || v != versions[2] {
			e.t.Errorf("created key: %q@%d, want new@%d", got, v, versions[2])
		}
		// A create over a deleted key, an update at the right version.
		if err := e.s.Delete(e.ctx, created, versions[2]); err != nil {
			e.t.Fatal(err)
		}
		versions, errs = p.Pipeline(e.ctx, []store.Write{{Key: created, Value: []byte("again")}, {Key: stale, Value: []byte("three"), Expected: vs}})
		if errs[0] != nil || errs[1] != nil {
			e.t.Fatalf("errors %v", errs)
		}
		if got, v := e.get(created); got != "again" || v != versions[0] {
			e.t.Errorf("created again: %q@%d, want again@%d", got, v, versions[0])
		}
		if got, v := e.get(stale); got != "three" || v != versions[1] {
			e.t.Errorf("updated: %q@%d, want three@%d", got, v, versions[1])
		}
	}},
}

// pipeliner returns the store as a store.Pipeliner, or skips the case.
func (e *env) pipeliner() store.Pipeliner {
	p, ok := e.s.(store.Pipeliner)
	if !ok {
		e.t.Skip("the store does not implement store.Pipeliner")
	}
	return p
}
