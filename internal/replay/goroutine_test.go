package replay

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// stackGoid parses the goroutine id from runtime.Stack's header, the slow
// public way that goid must agree with.
func stackGoid() uint64 {
	var buf [64]byte
	b := bytes.TrimPrefix(buf[:runtime.Stack(buf[:], false)], []byte("goroutine "))
	id, _ := strconv.ParseUint(string(b[:bytes.IndexByte(b, ' ')]), 10, 64)
	return id
}

// TestGoidMatchesStack guards the layout of the runtime's goroutine
// structure that goid reads: a Go release that moves the field would make
// CheckGoroutine accept foreign goroutines or refuse the coroutine's own.
func TestGoidMatchesStack(t *testing.T) {
	const n = 50
	ids := make([][2]uint64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { ids[i] = [2]uint64{goid(), stackGoid()} })
	}
	wg.Wait()
	seen := map[uint64]bool{}
	for _, id := range ids {
		if id[0] != id[1] || id[0] == 0 {
			t.Fatalf("goid() = %d, runtime.Stack says %d", id[0], id[1])
		}
		if seen[id[0]] {
			t.Fatalf("goid %d seen twice", id[0])
		}
		seen[id[0]] = true
	}
}

func BenchmarkGoid(b *testing.B) {
	for b.Loop() {
		goid()
	}
}
