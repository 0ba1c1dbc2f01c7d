package bench

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/embedded"
)

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		backend     Backend
		concurrency int
	}{
		{Memory(), 0},
		{Memory(), 7},
		{Embedded(EmbeddedConfig{DataDir: ""}), 0},
	} {
		t.Run(tc.backend.Name+"/c="+strconv.Itoa(tc.concurrency), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			const n, k, lone = 40, 3, 5
			var progress []Progress
			rep, err := Run(ctx, Options{
				Backend: tc.backend, Workflows: n, Tasks: k, Concurrency: tc.concurrency, Lone: lone,
				Progress: func(p Progress) { progress = append(progress, p) },
			})
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, rep, n, k, lone)
			// Progress is called from one goroutine per phase; each phase
			// ends with a complete report.
			var last = map[string]Progress{}
			for _, p := range progress {
				last[p.Phase] = p
			}
			if p := last[PhaseThroughput]; p.Done != n || p.Total != n {
				t.Errorf("last throughput progress = %+v", p)
			}
			if p := last[PhaseLone]; p.Done != lone || p.Total != lone {
				t.Errorf("last lone progress = %+v", p)
			}
		})
	}
}

func checkReport(t *testing.T, rep Report, n, k, lone int) {
	t.Helper()
	if rep.Completed != n || rep.Failed != 0 {
		t.Errorf("completed %d, failed %d; want %d, 0", rep.Completed, rep.Failed, n)
	}
	if rep.Elapsed <= 0 || rep.WorkflowsPerSec <= 0 || rep.TasksPerSec <= 0 {
		t.Errorf("elapsed %v, %v workflows/s, %v tasks/s: want positive", rep.Elapsed, rep.WorkflowsPerSec, rep.TasksPerSec)
	}
	if got, want := rep.TasksPerSec/rep.WorkflowsPerSec, float64(k); got < want-1e-9 || got > want+1e-9 {
		t.Errorf("tasks/s / workflows/s = %v, want %v", got, want)
	}
	if wps := float64(n) / rep.Elapsed.Seconds(); wps != rep.WorkflowsPerSec {
		t.Errorf("workflows/s = %v, want %v", rep.WorkflowsPerSec, wps)
	}
	for name, p := range map[string]Percentiles{"throughput": rep.Latency, "lone": rep.LoneLatency} {
		if !(0 < p.P50 && p.P50 <= p.P90 && p.P90 <= p.P99 && p.P99 <= p.Max) {
			t.Errorf("%s percentiles not ordered: %+v", name, p)
		}
	}
	if rep.Latency.Max > rep.Elapsed {
		t.Errorf("max latency %v exceeds the run's %v", rep.Latency.Max, rep.Elapsed)
	}
	if rep.Lone != lone {
		t.Errorf("lone = %d, want %d", rep.Lone, lone)
	}
	if rep.PeakHeapInuse == 0 || rep.PeakSys < rep.PeakHeapInuse {
		t.Errorf("peak heap %d, sys %d", rep.PeakHeapInuse, rep.PeakSys)
	}

	var buf bytes.Buffer
	if err := rep.Format(&buf); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	kv, err := ParseReport(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(kv) != len(Keys) {
		t.Errorf("report has %d keys, want %d:\n%s", len(kv), len(Keys), text)
	}
	for _, key := range []string{"completed", "workflows", "lone_workflows"} {
		if kv[key] == "-" || kv[key] == "" {
			t.Errorf("%s missing", key)
		}
	}
	if kv["completed"] != strconv.Itoa(n) || kv["tasks_per_workflow"] != strconv.Itoa(k) || kv["format"] != FormatVersion {
		t.Errorf("report:\n%s", text)
	}
	if testing.Verbose() {
		t.Logf("report:\n%s", text)
	}
}

func TestFormatStable(t *testing.T) {
	rep := Report{
		Backend: "embedded", Workflows: 2000, Tasks: 2, Completed: 2000,
		Elapsed: 1500 * time.Millisecond, WorkflowsPerSec: 2000 / 1.5, TasksPerSec: 4000 / 1.5,
		Latency:       Percentiles{P50: 700 * time.Millisecond, P90: 1200 * time.Millisecond, P99: 1400 * time.Millisecond, Max: 1450 * time.Millisecond},
		PeakHeapInuse: 64 << 20, PeakSys: 100 << 20,
		GoVersion: "go1.26", GOMAXPROCS: 2, NumCPU: 2,
	}
	var buf bytes.Buffer
	if err := rep.Format(&buf); err != nil {
		t.Fatal(err)
	}
	want := `format: infinitic-bench/1
backend: embedded
workflows: 2000
tasks_per_workflow: 2
concurrency: 0
completed: 2000
failed: 0
elapsed_s: 1.500
workflows_per_s: 1333.3
tasks_per_s: 2666.7
latency_p50_ms: 700.000
latency_p90_ms: 1200.000
latency_p99_ms: 1400.000
latency_max_ms: 1450.000
lone_workflows: 0
lone_p50_ms: -
lone_p90_ms: -
lone_p99_ms: -
lone_max_ms: -
peak_heap_inuse_mib: 64.0
peak_sys_mib: 100.0
peak_rss_mib: -
go: go1.26
gomaxprocs: 2
num_cpu: 2
`
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestPercentiles(t *testing.T) {
	var lat []time.Duration
	for i := 100; i >= 1; i-- {
		lat = append(lat, time.Duration(i))
	}
	p := percentiles(lat)
	if p != (Percentiles{P50: 50, P90: 90, P99: 99, Max: 100}) {
		t.Errorf("percentiles(1..100) = %+v", p)
	}
	if p := percentiles([]time.Duration{7}); p != (Percentiles{7, 7, 7, 7}) {
		t.Errorf("percentiles(7) = %+v", p)
	}
	if p := percentiles(nil); p != (Percentiles{}) {
		t.Errorf("percentiles(nil) = %+v", p)
	}
}

func TestEmbeddedRemovesTempDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	s, err := Embedded(EmbeddedConfig{}).Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("want one temporary data dir in %s, got %d", dir, len(entries))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("temporary data dir left behind in %s", dir)
	}
}

func TestCountOps(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	const n, k = 20, 2
	rep, err := Run(ctx, Options{Backend: Memory(), Workflows: n, Tasks: k, CountOps: true})
	if err != nil {
		t.Fatal(err)
	}
	ops := rep.Ops
	if ops == nil {
		t.Fatal("no ops counted")
	}
	// At least: a dispatch and k task outcomes per workflow are published
	// and consumed, and each workflow's state is written.
	if ops.Published < n*(k+1) || ops.Fetched < n*(k+1) || ops.Ack.N < n*(k+1) || ops.Put.N < n {
		t.Errorf("ops = %+v", ops)
	}
	var buf bytes.Buffer
	if err := ops.Format(&buf, rep.Completed); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("op_publish: n=")) {
		t.Errorf("ops:\n%s", buf.String())
	}
}

func TestNATSBackend(t *testing.T) {
	srv, err := embedded.Start(embedded.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err := Spec{Kind: "nats", NATSURL: srv.ClientURL()}.Backend()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, Options{Backend: b, Workflows: 20, Tasks: 2, Lone: 3})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, rep, 20, 2, 3)
	// The run's streams and bucket are gone.
	nc, err := srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	for name := range js.StreamNames(ctx).Name() {
		t.Errorf("stream %s left behind", name)
	}
}

func TestSpec(t *testing.T) {
	for _, s := range []Spec{
		{Kind: "memory", Store: "postgres"},
		{Kind: "nats"},
		{Kind: "embedded", Store: "nope"},
		{Kind: "nope"},
	} {
		if _, err := s.Backend(); err == nil {
			t.Errorf("%+v: want an error", s)
		}
	}
	for spec, name := range map[Spec]string{
		{}:                                   "embedded",
		{Kind: "embedded", SyncAlways: true}: "embedded(sync-always)",
		{Durability: embedded.DurabilityPowerLoss}:          "embedded(sync)",
		{Store: "redis", StoreURL: "x:1"}:                   "embedded+redis",
		{Kind: "nats", NATSURL: "nats://x", Store: "mysql"}: "nats+mysql",
		{Kind: "memory"}: "memory",
	} {
		b, err := spec.Backend()
		if err != nil || b.Name != name {
			t.Errorf("%+v: got %q, %v; want %q", spec, b.Name, err, name)
		}
	}
}

// TestSeparateWorkers runs the client with NoWorker and the workers with
// RunWorker, as processes of their own would (-role client / worker), on
// one server and one RunID.
func TestSeparateWorkers(t *testing.T) {
	srv, err := embedded.Start(embedded.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	for _, workers := range []int{1, 2} {
		t.Run(strconv.Itoa(workers), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			b, err := Spec{Kind: "nats", NATSURL: srv.ClientURL(), RunID: "sep" + strconv.Itoa(workers)}.Backend()
			if err != nil {
				t.Fatal(err)
			}
			wctx, stopWorkers := context.WithCancel(ctx)
			done := make(chan error, workers)
			for range workers {
				go func() { done <- RunWorker(wctx, Options{Backend: b}) }()
			}
			rep, err := Run(ctx, Options{Backend: b, Workflows: 30, Tasks: 2, Lone: 3, NoWorker: true})
			stopWorkers()
			for range workers {
				if werr := <-done; werr != nil {
					t.Errorf("worker: %v", werr)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, rep, 30, 2, 3)
		})
	}
}

func TestRoleNeedsNATSAndRunID(t *testing.T) {
	for _, args := range [][]string{
		{"-role", "worker"},
		{"-role", "client", "-backend", "nats"},
		{"-role", "nope", "-backend", "nats", "-run-id", "x"},
	} {
		var out, errOut bytes.Buffer
		if err := Command(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("%v: want an error", args)
		}
	}
}
