package e2e_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/infinitic-go/infinitic/client"
)

// BenchmarkSequentialTasks runs one workflow of n sequential tasks in
// memory. ns/task must stay flat as n grows: each step costs O(1), not
// O(history) (live runtime cache, history sealed in chunks).
func BenchmarkSequentialTasks(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			env, _ := newEnvWith(b, nil)
			ctx := context.Background()
			for b.Loop() {
				got, err := client.Execute(ctx, env.Client, Sums.Sequential, n)
				if err != nil {
					b.Fatal(err)
				}
				if got != n*(n-1)/2 {
					b.Fatalf("got %d", got)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/task")
		})
	}
}
