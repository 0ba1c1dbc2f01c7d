package main

import (
	"github.com/infinitic-go/infinitic/cmd/infinitic/internal/bench"
	"github.com/spf13/cobra"
)

func newBenchCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "bench [flags]",
		Short: "Measure throughput and latency of N workflows of K tasks",
		Long: `bench starts a worker and a client in this process, runs -workflows workflows
of -tasks sequential trivial tasks on the chosen backend (embedded by default;
memory, nats, and -store postgres|mysql|redis), then -lone workflows one at a
time, and prints a stable report: workflows/s, tasks/s, latency percentiles
from dispatch to completion, and peak memory. Run "infinitic bench -h" for
the flags. Results and the method are in docs/benchmarks.md.`,
		DisableFlagParsing: true, // the benchmark parses its own flags
		RunE: func(cmd *cobra.Command, args []string) error {
			return bench.Command(cmd.Context(), args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
}
