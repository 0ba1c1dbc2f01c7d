// Command peers runs the infinitic-go benchmark workload on other durable
// workflow engines for Go, and prints the same report as infinitic-go's
// bench (cmd/infinitic/internal/bench, `infinitic bench`): N workflows of K sequential
// trivial tasks (activities, steps), at most C in flight from the client,
// then M workflows one at a time for latency.
//
//	go run . -peer go-workflows/sqlite -workflows 2000 -tasks 2
//
// It is a separate module so that the library does not depend on the
// peers. bench/run.sh runs it next to infinitic-go's bench.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/infinitic-go/infinitic/internal/memstat"
)

// peer is one engine with one backend, opened for one run.
type peer interface {
	// run starts a workflow of tasks sequential tasks, waits for it with
	// the engine's client API and returns when it completed: the
	// engine's own record of the completion when it keeps one (so that a
	// client polling interval is not counted against the engine), the
	// moment the client saw it otherwise.
	run(ctx context.Context, tasks int) (completed time.Time, err error)
	// durability is what a completed step survives, one of the durable*
	// labels, read from the server's settings where it has any.
	durability() string
	close() error
}

// What a completed step survives: the labels of bench/run.sh's
// durability column, weakest first.
const (
	durableNone         = "none"
	durableProcessCrash = "process crash"
	durablePowerLoss    = "power loss (fsync)"
)

// peers maps -peer names to their openers.
var peers = map[string]func(ctx context.Context, cfg config) (peer, error){}

type config struct {
	postgresURL    string
	redisAddr      string
	redisFsyncAddr string
	redisDB        int
	dataDir        string
}

func main() {
	if err := mainErr(); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

func mainErr() error {
	var (
		name                                 string
		workflows, tasks, concurrency, lones int
		timeout                              time.Duration
		cfg                                  config
	)
	names := make([]string, 0, len(peers))
	for n := range peers {
		names = append(names, n)
	}
	sort.Strings(names)
	flag.StringVar(&name, "peer", "go-workflows/sqlite", "engine/backend: "+strings.Join(names, ", "))
	flag.IntVar(&workflows, "workflows", 2000, "workflows in the throughput phase")
	flag.IntVar(&tasks, "tasks", 2, "sequential tasks per workflow")
	flag.IntVar(&concurrency, "concurrency", 0, "max workflows in flight from the client (0: all at once)")
	flag.IntVar(&lones, "lone", 200, "workflows run one at a time afterwards, for latency (0: none)")
	flag.DurationVar(&timeout, "timeout", 10*time.Minute, "give up after this long")
	flag.StringVar(&cfg.postgresURL, "postgres-url", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server (a database of its own is created and dropped; the role needs CREATEDB)")
	flag.StringVar(&cfg.redisAddr, "redis-addr", "127.0.0.1:6379", "Redis server of go-workflows/redis (keys under a prefix of their own, deleted after)")
	flag.StringVar(&cfg.redisFsyncAddr, "redis-fsync-addr", "127.0.0.1:16379", "Redis server of go-workflows/redis-fsync, with appendonly yes and appendfsync always")
	flag.IntVar(&cfg.redisDB, "redis-db", 7, "Redis database number")
	flag.StringVar(&cfg.dataDir, "data-dir", "", "directory of SQLite files (default: temporary, removed)")
	list := flag.Bool("list", false, "list the peers and exit")
	flag.Parse()
	if *list {
		fmt.Println(strings.Join(names, "\n"))
		return nil
	}
	open, ok := peers[name]
	if !ok {
		return fmt.Errorf("unknown peer %q: want one of %s", name, strings.Join(names, ", "))
	}
	if workflows < 0 || tasks < 0 || concurrency < 0 || lones < 0 {
		return fmt.Errorf("negative count")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	rep := report{backend: name, workflows: workflows, tasks: tasks, concurrency: concurrency}
	mem := memstat.Start()
	err := measure(ctx, &rep, open, cfg, lones)
	rep.peakHeap, rep.peakSys, rep.peakRSS = mem.Stop()
	rep.format(os.Stdout)
	return err
}

func measure(ctx context.Context, rep *report, open func(context.Context, config) (peer, error), cfg config, lones int) (err error) {
	p, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	rep.durability = p.durability()
	defer func() {
		if cerr := p.close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if rep.workflows > 0 {
		lat, elapsed, failed, ferr := throughput(ctx, p, rep.workflows, rep.tasks, rep.concurrency)
		rep.completed, rep.failed, rep.elapsed, rep.latency = len(lat), failed, elapsed, percentiles(lat)
		if ferr != nil {
			return ferr
		}
	}
	if lones > 0 {
		warm := 0
		if rep.workflows == 0 {
			warm = 10
		}
		for range warm {
			if _, err := execute(ctx, p, rep.tasks); err != nil {
				return fmt.Errorf("warm-up workflow: %w", err)
			}
		}
		lat := make([]time.Duration, 0, lones)
		for range lones {
			d, err := execute(ctx, p, rep.tasks)
			if err != nil {
				return fmt.Errorf("lone workflow: %w", err)
			}
			lat = append(lat, d)
		}
		rep.lone, rep.loneLatency = len(lat), percentiles(lat)
	}
	return nil
}

func execute(ctx context.Context, p peer, tasks int) (time.Duration, error) {
	t0 := time.Now()
	done, err := p.run(ctx, tasks)
	if err != nil {
		return 0, err
	}
	return done.Sub(t0), nil
}

// throughput is cmd/infinitic/internal/bench's: inFlight goroutines each start a
// workflow and wait for it before starting the next. The wall time ends
// at the last completion.
func throughput(ctx context.Context, p peer, n, tasks, concurrency int) (lat []time.Duration, elapsed time.Duration, failed int, err error) {
	inFlight := concurrency
	if inFlight == 0 || inFlight > n {
		inFlight = n
	}
	var (
		mu       sync.Mutex
		firstErr error
		last     time.Time
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	lat = make([]time.Duration, 0, n)
	start := time.Now()
	for range inFlight {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				t0 := time.Now()
				done, err := p.run(ctx, tasks)
				mu.Lock()
				if err != nil {
					failed++
					if firstErr == nil {
						firstErr = err
					}
				} else {
					lat = append(lat, done.Sub(t0))
					if done.After(last) {
						last = done
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if !last.IsZero() {
		elapsed = last.Sub(start)
	}
	if firstErr != nil {
		firstErr = fmt.Errorf("%d of %d workflows failed; first: %w", failed, n, firstErr)
	}
	return lat, elapsed, failed, firstErr
}

type percentileSet struct{ p50, p90, p99, max time.Duration }

func percentiles(lat []time.Duration) percentileSet {
	if len(lat) == 0 {
		return percentileSet{}
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	rank := func(pct int) time.Duration {
		i := (len(s)*pct+99)/100 - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return percentileSet{rank(50), rank(90), rank(99), s[len(s)-1]}
}

// report prints the keys of cmd/infinitic/internal/bench.Report.Format,
// then durability.
type report struct {
	backend                       string
	workflows, tasks, concurrency int
	completed, failed             int
	elapsed                       time.Duration
	latency                       percentileSet
	lone                          int
	loneLatency                   percentileSet
	peakHeap, peakSys, peakRSS    uint64
	durability                    string
}

func (r report) format(w *os.File) {
	dash := "-"
	ms := func(d time.Duration, ok bool) string {
		if !ok {
			return dash
		}
		return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond))
	}
	mib := func(b uint64) string {
		if b == 0 {
			return dash
		}
		return fmt.Sprintf("%.1f", float64(b)/(1<<20))
	}
	thr, lone := r.completed > 0 && r.elapsed > 0, r.lone > 0
	rate := func(perWorkflow int) string {
		if !thr {
			return dash
		}
		return fmt.Sprintf("%.1f", float64(r.completed*perWorkflow)/r.elapsed.Seconds())
	}
	lines := [][2]string{
		{"format", "infinitic-bench/1"},
		{"backend", r.backend},
		{"workflows", fmt.Sprint(r.workflows)},
		{"tasks_per_workflow", fmt.Sprint(r.tasks)},
		{"concurrency", fmt.Sprint(r.concurrency)},
		{"completed", fmt.Sprint(r.completed)},
		{"failed", fmt.Sprint(r.failed)},
		{"elapsed_s", fmt.Sprintf("%.3f", r.elapsed.Seconds())},
		{"workflows_per_s", rate(1)},
		{"tasks_per_s", rate(r.tasks)},
		{"latency_p50_ms", ms(r.latency.p50, thr)},
		{"latency_p90_ms", ms(r.latency.p90, thr)},
		{"latency_p99_ms", ms(r.latency.p99, thr)},
		{"latency_max_ms", ms(r.latency.max, thr)},
		{"lone_workflows", fmt.Sprint(r.lone)},
		{"lone_p50_ms", ms(r.loneLatency.p50, lone)},
		{"lone_p90_ms", ms(r.loneLatency.p90, lone)},
		{"lone_p99_ms", ms(r.loneLatency.p99, lone)},
		{"lone_max_ms", ms(r.loneLatency.max, lone)},
		{"peak_heap_inuse_mib", mib(r.peakHeap)},
		{"peak_sys_mib", mib(r.peakSys)},
		{"peak_rss_mib", mib(r.peakRSS)},
		{"go", runtime.Version()},
		{"gomaxprocs", fmt.Sprint(runtime.GOMAXPROCS(0))},
		{"num_cpu", fmt.Sprint(runtime.NumCPU())},
		{"durability", cmp.Or(r.durability, dash)},
	}
	for _, l := range lines {
		fmt.Fprintf(w, "%s: %s\n", l[0], l[1])
	}
}
