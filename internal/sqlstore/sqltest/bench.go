package sqltest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/infinitic-go/infinitic/store"
)

// Bench measures the store operations on a fresh table, with 1 KiB
// values: sequential updates, creates and reads, and parallel updates of
// distinct keys.
func Bench(b *testing.B, be Backend) {
	ctx := context.Background()
	s, err := be.Open(ctx, Table(b, be), false)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	Benchmarks(b, s)
}

// Benchmarks runs the store benchmarks on s.
func Benchmarks(b *testing.B, s store.Store) {
	ctx := context.Background()
	val := make([]byte, 1024)
	var seq atomic.Int64
	b.Run("Update", func(b *testing.B) {
		k := fmt.Sprintf("u.%d", seq.Add(1))
		var v store.Version
		for b.Loop() {
			var err error
			if v, err = s.Put(ctx, k, val, v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Create", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Put(ctx, fmt.Sprintf("c.%d", seq.Add(1)), val, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Get", func(b *testing.B) {
		if _, err := s.Put(ctx, "g", val, 0); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, _, err := s.Get(ctx, "g"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UpdateParallel", func(b *testing.B) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			k := fmt.Sprintf("p.%d", seq.Add(1))
			var v store.Version
			for pb.Next() {
				var err error
				if v, err = s.Put(ctx, k, val, v); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
