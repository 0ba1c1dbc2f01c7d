package storetest

import (
	"bytes"
	"context"
	"strconv"
	"sync"

	"github.com/infinitic-go/infinitic/store"
)

var crudCases = []testCase{
	{"GetMissing", func(e *env) {
		_, v, err := e.s.Get(e.ctx, e.key("missing"))
		e.wantErr("Get(missing)", err, store.ErrNotFound)
		if v != 0 {
			e.t.Errorf("version %d for a missing key", v)
		}
	}},
	{"CreateAndGet", func(e *env) {
		v := e.put(e.key("a"), "hello", 0)
		got, gv := e.get(e.key("a"))
		if got != "hello" || gv != v {
			e.t.Errorf("Get = %q@%d, want hello@%d", got, gv, v)
		}
	}},
	{"CreateTwiceConflicts", func(e *env) {
		e.put(e.key("a"), "one", 0)
		_, err := e.s.Put(e.ctx, e.key("a"), []byte("two"), 0)
		e.wantErr("second create", err, store.ErrConflict)
		if got, _ := e.get(e.key("a")); got != "one" {
			e.t.Errorf("value %q after a failed create, want one", got)
		}
	}},
	{"UpdateWithVersion", func(e *env) {
		k := e.key("a")
		v1 := e.put(k, "one", 0)
		v2 := e.put(k, "two", v1)
		if v2 <= v1 {
			e.t.Errorf("update version %d not after %d", v2, v1)
		}
		_, err := e.s.Put(e.ctx, k, []byte("stale"), v1)
		e.wantErr("update with a stale version", err, store.ErrConflict)
		if got, gv := e.get(k); got != "two" || gv != v2 {
			e.t.Errorf("Get = %q@%d, want two@%d", got, gv, v2)
		}
		v3 := e.put(k, "three", v2)
		if v3 <= v2 {
			e.t.Errorf("update version %d not after %d", v3, v2)
		}
	}},
	{"UpdateMissingConflicts", func(e *env) {
		v := e.put(e.key("other"), "x", 0)
		_, err := e.s.Put(e.ctx, e.key("missing"), []byte("x"), v)
		e.wantErr("update of a missing key", err, store.ErrConflict)
		_, _, err = e.s.Get(e.ctx, e.key("missing"))
		e.wantErr("Get after a failed update", err, store.ErrNotFound)
	}},
	{"ValuesAreCopied", func(e *env) {
		k := e.key("a")
		in := []byte("abc")
		e.put(k, string(in), 0)
		b, v, _ := e.s.Get(e.ctx, k)
		in[0] = 'X'
		if len(b) > 0 {
			b[0] = 'Y'
		}
		if got, gv := e.get(k); got != "abc" || gv != v {
			e.t.Errorf("stored value changed to %q by caller mutation", got)
		}
	}},
	{"EmptyAndBinaryValues", func(e *env) {
		e.put(e.key("empty"), "", 0)
		if got, _ := e.get(e.key("empty")); got != "" {
			e.t.Errorf("empty value read as %q", got)
		}
		bin := make([]byte, 64<<10)
		for i := range bin {
			bin[i] = byte(i * 7)
		}
		if _, err := e.s.Put(e.ctx, e.key("bin"), bin, 0); err != nil {
			e.t.Fatalf("Put(64 KiB): %v", err)
		}
		b, _, err := e.s.Get(e.ctx, e.key("bin"))
		if err != nil || !bytes.Equal(b, bin) {
			e.t.Errorf("binary value round trip failed: %v", err)
		}
	}},
	{"KeyCharacters", func(e *env) {
		for _, k := range []string{"A-z_0=9", "tag/x=1/id-2", "a.b.c", "x_y-z"} {
			k = e.key(k)
			v := e.put(k, k, 0)
			if got, gv := e.get(k); got != k || gv != v {
				e.t.Errorf("Get(%q) = %q@%d", k, got, gv)
			}
		}
	}},
	{"Delete", func(e *env) {
		k := e.key("a")
		v1 := e.put(k, "one", 0)
		e.wantErr("Delete with a wrong version", e.s.Delete(e.ctx, k, v1+1000), store.ErrConflict)
		e.wantErr("Delete with version 0 of a present key", e.s.Delete(e.ctx, k, 0), store.ErrConflict)
		if got, _ := e.get(k); got != "one" {
			e.t.Fatalf("value %q after failed deletes", got)
		}
		if err := e.s.Delete(e.ctx, k, v1); err != nil {
			e.t.Fatalf("Delete: %v", err)
		}
		_, _, err := e.s.Get(e.ctx, k)
		e.wantErr("Get after Delete", err, store.ErrNotFound)
		if err := e.s.Delete(e.ctx, k, 0); err != nil {
			e.t.Errorf("Delete of an absent key with expected 0: %v", err)
		}
		e.wantErr("Delete of an absent key with a version", e.s.Delete(e.ctx, k, v1), store.ErrConflict)
		_, err = e.s.Put(e.ctx, k, []byte("stale"), v1)
		e.wantErr("update of a deleted key", err, store.ErrConflict)
		v2 := e.put(k, "again", 0)
		if v2 <= v1 {
			e.t.Errorf("version %d after recreate not after %d", v2, v1)
		}
		if got, _ := e.get(k); got != "again" {
			e.t.Errorf("value %q after recreate", got)
		}
	}},
	{"ConcurrentCAS", func(e *env) {
		k := e.key("counter")
		const n = 32
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() { e.increment(k) })
		}
		wg.Wait()
		if got, _ := e.get(k); got != strconv.Itoa(n) {
			e.t.Errorf("counter = %s after %d concurrent increments", got, n)
		}
	}},
	{"ClosedStore", func(e *env) {
		if err := e.s.Close(); err != nil {
			e.t.Fatalf("Close: %v", err)
		}
		_, _, err := e.s.Get(e.ctx, e.key("a"))
		e.wantErr("Get after Close", err, store.ErrClosed)
		_, err = e.s.Put(e.ctx, e.key("a"), nil, 0)
		e.wantErr("Put after Close", err, store.ErrClosed)
		e.wantErr("Delete after Close", e.s.Delete(e.ctx, e.key("a"), 0), store.ErrClosed)
		_, err = e.s.Keys(e.ctx, e.ns, "", 0)
		e.wantErr("Keys after Close", err, store.ErrClosed)
	}},
	{"CanceledContext", func(e *env) {
		ctx, cancel := context.WithCancel(e.ctx)
		cancel()
		if _, err := e.s.Put(ctx, e.key("a"), nil, 0); err == nil {
			e.t.Errorf("Put with a canceled context succeeded")
		}
	}},
}

// increment adds one to the decimal counter at k, retrying on conflicts.
func (e *env) increment(k string) {
	for range 10000 {
		b, v, err := e.s.Get(e.ctx, k)
		n := 0
		switch {
		case errIs(err, store.ErrNotFound):
		case err != nil:
			e.t.Errorf("Get: %v", err)
			return
		default:
			n, _ = strconv.Atoi(string(b))
		}
		_, err = e.s.Put(e.ctx, k, []byte(strconv.Itoa(n+1)), v)
		if err == nil {
			return
		}
		if !errIs(err, store.ErrConflict) {
			e.t.Errorf("Put: %v", err)
			return
		}
	}
	e.t.Errorf("increment: too many conflicts")
}
