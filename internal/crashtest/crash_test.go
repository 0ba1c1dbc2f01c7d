// Package crashtest kill -9s real worker and server processes while
// thousands of workflows run, then checks that nothing was lost and
// nothing completed twice.
package crashtest

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/internal/conn"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
)

const roleEnv = "INFINITIC_CRASH_ROLE"

func TestMain(m *testing.M) {
	var err error
	switch os.Getenv(roleEnv) {
	case "":
		os.Exit(m.Run())
	case "server":
		err = runServer(os.Getenv("CRASH_DIR"), os.Getenv("CRASH_LISTEN"), os.Getenv("CRASH_DURABILITY"))
	case "node":
		err = runNode(os.Getenv("CRASH_DIR"), os.Getenv("CRASH_NAME"), os.Getenv("CRASH_LISTEN"),
			os.Getenv("CRASH_CLUSTER_LISTEN"), os.Getenv("CRASH_ROUTES"), os.Getenv("CRASH_HEALTH"))
	case "worker":
		replicas, _ := strconv.Atoi(os.Getenv("CRASH_REPLICAS"))
		err = runWorker(os.Getenv("CRASH_URL"), os.Getenv("CRASH_EXEC_LOG"), os.Getenv("CRASH_HOSTS"), replicas)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// workflowCount is 10,000 in CI (INFINITIC_CRASH_WORKFLOWS overrides),
// 1,000 otherwise to keep local runs short.
func workflowCount(t *testing.T) int {
	if os.Getenv("CI") != "" {
		return countFromEnv(t, "INFINITIC_CRASH_WORKFLOWS", 10_000)
	}
	return countFromEnv(t, "INFINITIC_CRASH_WORKFLOWS", 1_000)
}

// countFromEnv returns the number of workflows in the variable name, or
// def when it is not set.
func countFromEnv(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 20 {
		t.Fatalf("%s=%q: want a number ≥ 20", name, v)
	}
	return n
}

// proc is a subprocess of this test binary playing a role.
type proc struct {
	t    *testing.T
	role string
	env  []string
	cmd  *exec.Cmd
}

func (p *proc) start() {
	p.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{roleEnv + "=" + p.role}, p.env...)...)
	// Errors while the server is down are expected: keep them out of the
	// test output, in a file per role.
	logFile, err := os.OpenFile(os.Getenv("CRASH_LOG_DIR")+"/"+p.role+".log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	defer logFile.Close()
	cmd.Stderr = logFile
	out, err := cmd.StdoutPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.cmd = cmd
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready") {
		p.t.Fatalf("%s did not start: %q %v", p.role, line, err)
	}
	go func() { _, _ = bufio.NewReader(out).WriteTo(devNull{}) }()
}

// attempt bounds one request: with a cluster, the reply to a request may
// be lost with the node that should send it, while the connection stays.
func attempt(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, 5*time.Second)
}

// kill9 sends SIGKILL and reaps the process.
func (p *proc) kill9() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

type devNull struct{}

func (devNull) Write(b []byte) (int, error) { return len(b), nil }

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// results collects every workflow result message, duplicates included.
type results struct {
	mu      sync.Mutex
	outputs map[string]map[string]int // id → output → times received
	changed chan struct{}
}

func (r *results) add(id, out string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.outputs[id] == nil {
		r.outputs[id] = map[string]int{}
	}
	r.outputs[id][out]++
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

func (r *results) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.outputs)
}

func TestKill9WorkersAndServer(t *testing.T) {
	n := workflowCount(t)
	dir := t.TempDir()
	port := freePort(t)
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	execLog := dir + "/executions.log"
	t.Setenv("CRASH_LOG_DIR", dir)

	server := &proc{t: t, role: "server", env: []string{"CRASH_DIR=" + dir + "/data", fmt.Sprintf("CRASH_LISTEN=127.0.0.1:%d", port)}}
	server.start()
	workers := make([]*proc, 3)
	for i := range workers {
		workers[i] = &proc{t: t, role: "worker", env: []string{"CRASH_URL=" + url, "CRASH_EXEC_LOG=" + execLog}}
		workers[i].start()
	}
	t.Cleanup(func() {
		for _, w := range workers {
			w.kill9()
		}
		server.kill9()
	})

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	nc, err := connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	tr, st, err := backend(ctx, nc, 1)
	if err != nil {
		t.Fatal(err)
	}
	res := &results{outputs: map[string]map[string]int{}, changed: make(chan struct{}, 1)}
	go collect(ctx, t, tr, res)

	start := time.Now()
	kc := make(chan killCount, 1)
	go func() { kc <- chaos(ctx, t, server, workers, res, n) }()
	dispatch(ctx, t, tr, 0, n)
	t.Logf("dispatched %d workflows in %v", n, time.Since(start).Round(time.Millisecond))
	kills := <-kc
	for res.count() < n {
		select {
		case <-ctx.Done():
			t.Fatalf("only %d of %d workflows completed", res.count(), n)
		case <-res.changed:
		case <-time.After(time.Second):
		}
	}
	elapsed := time.Since(start)
	verify(ctx, t, res, n)
	verifyStates(ctx, t, st, res)
	verifyIndex(ctx, t, tr, st)
	total, distinct := executions(t, execLog)
	report := fmt.Sprintf("crash test: %d workflows completed exactly once in %v; kill -9: %d workers, %d servers; task executions: %d for %d tasks (%d repeated)",
		n, elapsed.Round(time.Millisecond), kills.workers, kills.servers, total, distinct, total-distinct)
	t.Log(report)
	fmt.Println(report)
}

// dispatch starts workflows wf-<from> to wf-<to-1>: mostly two tasks, 1 in
// 20 with a timer, 1 in 20 with a child workflow. Publishing retries
// through server kills.
func dispatch(ctx context.Context, t *testing.T, tr transport.Transport, from, to int) {
	var batch []transport.Message
	flush := func() {
		for ctx.Err() == nil {
			actx, cancel := attempt(ctx)
			err := tr.Publish(actx, batch...)
			cancel()
			if err == nil {
				batch = batch[:0]
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatal("cannot dispatch")
	}
	for i := from; i < to; i++ {
		method := "Two"
		switch i % 20 {
		case 0:
			method = "WithTimer"
		case 1:
			method = "WithChild"
		}
		id := fmt.Sprintf("wf-%d", i)
		o, err := wire.StartMessage("Flows", id, &wire.Dispatch{Method: method, Input: []byte(strconv.Itoa(i)), Waiter: "crashtest", Request: id}).Encode()
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, transport.Message{ID: o.ID, Subject: o.Subject, Key: o.Key, Data: o.Data})
		if len(batch) == 500 {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
}

func collect(ctx context.Context, t *testing.T, tr transport.Transport, res *results) {
	c, err := tr.Consume(ctx, wire.ClientSubject("crashtest"), "crashtest")
	if err != nil {
		t.Error(err)
		return
	}
	defer c.Close()
	for ctx.Err() == nil {
		ds, err := c.Fetch(ctx, 500, time.Second)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		for _, d := range ds {
			env, err := wire.DecodeEnvelope(d.Message().Data)
			if err != nil || env.Result == nil {
				t.Errorf("unexpected message on results subject: %v", err)
				continue
			}
			out := string(env.Result.Output)
			if env.Result.Error != nil {
				out = "error: " + env.Result.Error.Message
			}
			res.add(env.WorkflowID, out)
			_ = d.Ack()
		}
	}
}

type killCount struct{ workers, servers int }

// chaos kill -9s a random worker every 0.3–1 s, and the server at rounds
// 3 and 6, restarting each at once: 8 rounds, whatever the progress.
func chaos(ctx context.Context, t *testing.T, server *proc, workers []*proc, res *results, n int) killCount {
	var k killCount
	for round := 1; round <= 8 && ctx.Err() == nil; round++ {
		time.Sleep(time.Duration(300+rand.IntN(700)) * time.Millisecond)
		w := workers[rand.IntN(len(workers))]
		w.kill9()
		k.workers++
		if round%3 == 0 {
			server.kill9()
			k.servers++
			server.start()
		}
		w.start()
		t.Logf("round %d: %d/%d completed", round, res.count(), n)
	}
	return k
}

// verify: every workflow has exactly one distinct result, the right one.
func verify(ctx context.Context, t *testing.T, res *results, n int) {
	res.mu.Lock()
	defer res.mu.Unlock()
	dup := 0
	for i := range n {
		id := fmt.Sprintf("wf-%d", i)
		outs := res.outputs[id]
		if len(outs) != 1 {
			t.Errorf("%s completed %d times with different results: %v", id, len(outs), outs)
			continue
		}
		for out, times := range outs {
			dup += times - 1
			want := fmt.Sprintf(`"%d:`, expectedValue(i))
			if i%20 == 1 {
				want = fmt.Sprintf(`"child:%d:`, expectedValue(i))
			}
			if !strings.HasPrefix(out, want) {
				t.Errorf("%s: result %s, want prefix %s", id, out, want)
			}
		}
	}
	t.Logf("result notifications received twice (same result, harmless): %d", dup)
}

// verifyStates checks the stored state of every workflow against the
// result its caller received.
func verifyStates(ctx context.Context, t *testing.T, st store.Store, res *results) {
	res.mu.Lock()
	defer res.mu.Unlock()
	for id, outs := range res.outputs {
		data, _, err := st.Get(ctx, wire.StateKey("Flows", id))
		if err != nil {
			t.Errorf("%s: state: %v", id, err)
			continue
		}
		state, err := wire.DecodeState(data)
		if err != nil {
			t.Errorf("%s: state: %v", id, err)
			continue
		}
		for out := range outs {
			if state.Status != wire.StatusCompleted || string(state.Output) != out {
				t.Errorf("%s: stored status %d output %s, caller got %s", id, state.Status, state.Output, out)
			}
		}
	}
}

// verifyIndex checks the instance index against the stored states, after
// the kills: List and Count (which check each entry against its state)
// agree with the states; entries left over by the kills are counted, then
// removed by RepairIndex, after which the raw index matches too.
func verifyIndex(ctx context.Context, t *testing.T, tr transport.Transport, st store.Store) {
	statuses := map[wire.Status]int{}
	err := conn.EachKey(ctx, st, wire.StatePrefix("Flows"), func(key string) error {
		data, _, err := st.Get(ctx, key)
		if err != nil {
			return err
		}
		s, err := wire.DecodeState(data)
		if err != nil {
			return err
		}
		statuses[s.Status]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := admin.New(ctx, admin.Config{Transport: tr, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	rawKeys := func() int {
		keys, err := st.Keys(ctx, "index.Flows.", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(keys)
	}
	completed, err := a.Count(ctx, "Flows", admin.Filter{Status: []admin.Status{admin.StatusCompleted}})
	if err != nil {
		t.Fatal(err)
	}
	all, err := a.Count(ctx, "Flows", admin.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if completed != statuses[wire.StatusCompleted] || all != sum(statuses)-statuses[0] { // pending entries are not indexed
		t.Errorf("index counts %d completed, %d in all; stored states: %v", completed, all, statuses)
	}
	leftovers := rawKeys() - all
	r, err := a.RepairIndex(ctx, "Flows", time.Nanosecond)
	if err != nil {
		t.Fatal(err)
	}
	if r.Removed != leftovers || r.Added != 0 || rawKeys() != all {
		t.Errorf("repair: %+v, with %d leftover entries; %d index keys for %d instances", r, leftovers, rawKeys(), all)
	}
	t.Logf("instance index: %d instances (%v by status), %d entries left over by the kills, removed by RepairIndex", all, statuses, leftovers)
}

func sum(m map[wire.Status]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// executions counts task executions in the log: total and distinct tasks.
func executions(t *testing.T, path string) (total, distinct int) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		total++
		seen[line] = true
	}
	return total, len(seen)
}
