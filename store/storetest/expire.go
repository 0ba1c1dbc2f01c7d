package storetest

import (
	"errors"
	"time"

	"github.com/infinitic-go/infinitic/store"
)

// expireCases check store.Expirer, on the stores that implement it and
// expire keys.
var expireCases = []testCase{
	{"PipelineTTL", func(e *env) {
		x := e.expirer()
		short, kept, recreated := e.key("short"), e.key("kept"), e.key("recreated")
		vk := e.put(kept, "one", 0)
		vr := e.put(recreated, "old", 0)
		if err := e.s.Delete(e.ctx, recreated, vr); err != nil {
			e.t.Fatal(err)
		}
		versions, errs := x.Pipeline(e.ctx, []store.Write{
			{Key: short, Value: []byte("x"), TTL: time.Second},
			{Key: kept, Value: []byte("two"), Expected: vk, TTL: time.Second},
			{Key: recreated, Value: []byte("new"), TTL: time.Second},
		})
		if err := errors.Join(errs...); err != nil {
			e.t.Fatal(err)
		}
		if got, v := e.get(short); got != "x" || v != versions[0] {
			e.t.Errorf("right after the write: %q@%d, want x@%d", got, v, versions[0])
		}
		// Written again without a TTL: kept for good.
		e.put(kept, "three", versions[1])
		for _, k := range []string{short, recreated} {
			e.waitGone(k)
		}
		if got, _ := e.get(kept); got != "three" {
			e.t.Errorf("key written again without TTL: %q after the others expired, want three", got)
		}
	}},
}

// expirer returns the store as a store.Expirer, or skips the case when it
// is not one or does not expire keys.
func (e *env) expirer() store.Expirer {
	x, ok := e.s.(store.Expirer)
	if !ok || !x.Expires() {
		e.t.Skip("the store does not expire keys (store.Expirer)")
	}
	return x
}

// waitGone waits until key is absent.
func (e *env) waitGone(key string) {
	e.t.Helper()
	for {
		_, _, err := e.s.Get(e.ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return
		}
		if err != nil {
			e.t.Fatalf("Get(%q): %v", key, err)
		}
		select {
		case <-e.ctx.Done():
			e.t.Fatalf("%q never expired", key)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
