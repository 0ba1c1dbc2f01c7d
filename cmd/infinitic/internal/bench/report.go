package bench

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// FormatVersion is the first line of a formatted report. Change it when a
// key changes meaning; adding keys at the end keeps it.
const FormatVersion = "infinitic-bench/1"

// Report is what a run measured.
type Report struct {
	Backend     string
	Workflows   int // requested in the throughput phase
	Tasks       int // per workflow
	Concurrency int // 0: all at once

	Completed       int
	Failed          int
	Elapsed         time.Duration // first dispatch to last completion
	WorkflowsPerSec float64       // Completed / Elapsed
	TasksPerSec     float64       // Completed*Tasks / Elapsed
	Latency         Percentiles   // dispatch to completion, throughput phase

	Lone        int         // workflows run one at a time
	LoneLatency Percentiles // their latencies

	PeakHeapInuse uint64 // bytes, sampled runtime.MemStats.HeapInuse
	PeakSys       uint64 // bytes, sampled runtime.MemStats.Sys
	PeakRSS       uint64 // bytes, VmHWM of the process (0: unknown)

	GoVersion  string
	GOMAXPROCS int
	NumCPU     int

	// Ops and LoneOps count the transport and store calls of the
	// throughput and lone phases (warm-up included) when Options.CountOps
	// is set; Format does not print them (see Ops.Format).
	Ops, LoneOps *Ops
}

// Keys are the keys of a formatted report, in order. Every report prints
// all of them; a value that was not measured is "-".
var Keys = []string{
	"format", "backend", "workflows", "tasks_per_workflow", "concurrency",
	"completed", "failed", "elapsed_s", "workflows_per_s", "tasks_per_s",
	"latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "latency_max_ms",
	"lone_workflows", "lone_p50_ms", "lone_p90_ms", "lone_p99_ms", "lone_max_ms",
	"peak_heap_inuse_mib", "peak_sys_mib", "peak_rss_mib",
	"go", "gomaxprocs", "num_cpu",
}

// Format writes the report as "key: value" lines, the keys of Keys in
// their order. Numbers have a fixed precision: rates 1 decimal, times in
// milliseconds 3 decimals, memory in MiB 1 decimal.
func (r Report) Format(w io.Writer) error {
	dash := "-"
	ms := func(d time.Duration, ok bool) string {
		if !ok {
			return dash
		}
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 3, 64)
	}
	mib := func(b uint64) string {
		if b == 0 {
			return dash
		}
		return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64)
	}
	rate := func(f float64, ok bool) string {
		if !ok {
			return dash
		}
		return strconv.FormatFloat(f, 'f', 1, 64)
	}
	thr, lone := r.Completed > 0, r.Lone > 0
	vals := map[string]string{
		"format":              FormatVersion,
		"backend":             r.Backend,
		"workflows":           strconv.Itoa(r.Workflows),
		"tasks_per_workflow":  strconv.Itoa(r.Tasks),
		"concurrency":         strconv.Itoa(r.Concurrency),
		"completed":           strconv.Itoa(r.Completed),
		"failed":              strconv.Itoa(r.Failed),
		"elapsed_s":           strconv.FormatFloat(r.Elapsed.Seconds(), 'f', 3, 64),
		"workflows_per_s":     rate(r.WorkflowsPerSec, thr),
		"tasks_per_s":         rate(r.TasksPerSec, thr),
		"latency_p50_ms":      ms(r.Latency.P50, thr),
		"latency_p90_ms":      ms(r.Latency.P90, thr),
		"latency_p99_ms":      ms(r.Latency.P99, thr),
		"latency_max_ms":      ms(r.Latency.Max, thr),
		"lone_workflows":      strconv.Itoa(r.Lone),
		"lone_p50_ms":         ms(r.LoneLatency.P50, lone),
		"lone_p90_ms":         ms(r.LoneLatency.P90, lone),
		"lone_p99_ms":         ms(r.LoneLatency.P99, lone),
		"lone_max_ms":         ms(r.LoneLatency.Max, lone),
		"peak_heap_inuse_mib": mib(r.PeakHeapInuse),
		"peak_sys_mib":        mib(r.PeakSys),
		"peak_rss_mib":        mib(r.PeakRSS),
		"go":                  r.GoVersion,
		"gomaxprocs":          strconv.Itoa(r.GOMAXPROCS),
		"num_cpu":             strconv.Itoa(r.NumCPU),
	}
	bw := bufio.NewWriter(w)
	for _, k := range Keys {
		v := vals[k]
		if v == "" {
			v = dash
		}
		fmt.Fprintf(bw, "%s: %s\n", k, v)
	}
	return bw.Flush()
}

// ParseReport reads the "key: value" lines written by Format (or by the
// peers' benchmarks) into a map; unknown keys are kept, blank lines and
// lines without ": " skipped.
func ParseReport(r io.Reader) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if ok && k != "" && !strings.ContainsAny(k, " \t") {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out, sc.Err()
}
