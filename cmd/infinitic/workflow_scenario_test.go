package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/admin"
)

// The test binary plays a worker process of Shop when shopWorkerEnv holds
// a NATS URL; its till is broken until the file named by shopFixedEnv
// exists.
const (
	shopWorkerEnv = "INFINITIC_TEST_SHOP_WORKER"
	shopFixedEnv  = "INFINITIC_TEST_SHOP_FIXED"
)

// runShopWorkerProcess runs the worker until SIGTERM; it prints "ready"
// once its consumers are bound.
func runShopWorkerProcess(url string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	tr, st, closeBackend, err := openBackend(ctx, backendConfig{Kind: backendNATS, URL: url})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = closeBackend() }()
	fixed := os.Getenv(shopFixedEnv)
	w, err := newShopWorker(tr, st, func() bool { _, err := os.Stat(fixed); return err != nil }, "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	for w.Ready() != nil {
		select {
		case err := <-done:
			fmt.Fprintln(os.Stderr, err)
			return 1
		case <-time.After(10 * time.Millisecond):
		}
	}
	fmt.Println("ready")
	if err := <-done; err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// The operating scenario of the issue, with real processes: `infinitic
// server`, a worker process, 200 workflows (failing, waiting on a channel,
// on a timer, to cancel), and the CLI that finds and fixes them.
func TestOperateManyWorkflows(t *testing.T) {
	const perKind = 50
	url := startServer(t)
	fixed := filepath.Join(t.TempDir(), "fixed")
	worker := exec.Command(os.Args[0])
	worker.Env = append(os.Environ(), shopWorkerEnv+"="+url, shopFixedEnv+"="+fixed)
	worker.Stderr = os.Stderr
	out, err := worker.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = worker.Process.Signal(syscall.SIGTERM); _ = worker.Wait() })
	scanUntil(t, bufio.NewScanner(out), "ready")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tr, st, closeBackend, err := openBackend(ctx, backendConfig{Kind: backendNATS, URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = closeBackend() }()
	a, err := admin.New(ctx, admin.Config{Transport: tr, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ids := map[string][]string{}
	for i := range perKind {
		for _, kind := range []string{"fail", "signal", "timer", "cancel"} {
			method, input := "Order", fmt.Sprint(i+1)
			switch kind {
			case "fail":
				input = fmt.Sprint(-i - 1)
			case "timer":
				method, input = "Hold", fmt.Sprint(int64(time.Hour))
			}
			id := fmt.Sprintf("%s-%d", kind, i)
			if _, err := a.Start(ctx, "Shop", method, json.RawMessage(input), admin.StartOptions{ID: id, Tags: []string{"kind:" + kind}}); err != nil {
				t.Fatal(err)
			}
			ids[kind] = append(ids[kind], id)
		}
	}
	// waitAll waits until every instance of ids satisfies cond.
	waitAll := func(what string, ids []string, cond func(*admin.Instance) bool) {
		t.Helper()
		for _, id := range ids {
			for {
				in, err := a.Describe(ctx, "Shop", id)
				if err == nil && cond(in) {
					break
				}
				select {
				case <-ctx.Done():
					t.Fatalf("%s: %s never did (%+v, %v)", what, id, in, err)
				case <-time.After(10 * time.Millisecond):
				}
			}
		}
	}
	waiting := func(kind admin.StepKind) func(*admin.Instance) bool {
		return func(in *admin.Instance) bool {
			return in.Status == admin.StatusRunning && len(in.Pending) == 1 && in.Pending[0].Kind == kind
		}
	}
	waitAll("fail", ids["fail"], func(in *admin.Instance) bool { return in.Status == admin.StatusFailed })
	waitAll("wait for a signal", append(slices.Clone(ids["signal"]), ids["cancel"]...), waiting(admin.StepReceive))
	waitAll("wait for a timer", ids["timer"], waiting(admin.StepTimer))

	// Find exactly the failed ones, see why, retry them once fixed.
	var page admin.Page
	cliJSON(t, url, &page, "workflow", "list", "Shop", "--status", "failed", "--limit", "1000")
	var failed []string
	for _, in := range page.Instances {
		failed = append(failed, in.ID)
	}
	slices.Sort(failed)
	if want := slices.Sorted(slices.Values(ids["fail"])); !slices.Equal(failed, want) || page.Next != "" {
		t.Fatalf("list --status failed: %v (next %q), want %v", failed, page.Next, want)
	}
	if out, code := cli(t, url, "workflow", "describe", "Shop", "fail-7"); code != exitOK || !strings.Contains(out, "till broken: cannot charge -8") {
		t.Fatalf("describe: %d\n%s", code, out)
	}
	var steps []admin.Step
	cliJSON(t, url, &steps, "workflow", "history", "Shop", "fail-7")
	if len(steps) != 2 || steps[1].Status != admin.StepFailed || steps[1].Attempts != 2 || !strings.Contains(strings.Join(steps[1].Error.Chain, "\n"), "till broken") {
		t.Fatalf("history: %+v", steps)
	}
	if err := os.WriteFile(fixed, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := cli(t, url, append([]string{"workflow", "retry", "Shop"}, failed...)...); code != exitOK {
		t.Fatalf("retry: %d\n%s", code, out)
	}
	waitAll("retried", ids["fail"], waiting(admin.StepReceive))

	// Unblock the waiting ones, fire the timers, cancel by id and by tag.
	for _, kind := range []string{"fail", "signal"} {
		var sent struct{ Sent int }
		cliJSON(t, url, &sent, "workflow", "signal", "Shop", "confirmations", `{"By":"cli"}`, "--tag", "kind:"+kind)
		if sent.Sent != perKind {
			t.Fatalf("signal --tag kind:%s: %+v", kind, sent)
		}
	}
	if out, code := cli(t, url, append([]string{"workflow", "complete-timers", "Shop"}, ids["timer"]...)...); code != exitOK {
		t.Fatalf("complete-timers: %d\n%s", code, out)
	}
	if out, code := cli(t, url, "workflow", "cancel", "Shop", "cancel-0"); code != exitOK {
		t.Fatalf("cancel: %d\n%s", code, out)
	}
	var canceled struct{ Canceled int }
	cliJSON(t, url, &canceled, "workflow", "cancel", "Shop", "--tag", "kind:cancel")
	if canceled.Canceled != perKind-1 {
		t.Fatalf("cancel --tag: %+v", canceled)
	}
	finished := func(in *admin.Instance) bool { return in.Status == admin.StatusCompleted }
	waitAll("completed", slices.Concat(ids["fail"], ids["signal"], ids["timer"]), finished)
	for status, want := range map[string]int{"completed": 3 * perKind, "canceled": perKind, "failed": 0, "running": 0} {
		var count struct{ Count int }
		cliJSON(t, url, &count, "workflow", "list", "Shop", "--status", status, "--count")
		if count.Count != want {
			t.Errorf("%s: %d, want %d", status, count.Count, want)
		}
	}
	checkEventsPrinted(t, url, ids)
}

// checkEventsPrinted checks that `infinitic events` prints every
// transition of every instance once, in order: each instance's events
// are numbered 1, 2, 3... (workflowseq) without gap nor copy, start with
// its dispatch and end as it ended; the failed-then-retried ones show
// the failure, the retry and the completion.
func checkEventsPrinted(t *testing.T, url string, ids map[string][]string) {
	t.Helper()
	var last map[string][]string
	for range 100 { // the last events are published just after the states are written
		out, code := cli(t, url, "events", "--workflow", "Shop", "--output", "json")
		if code != exitOK {
			t.Fatalf("events: %d\n%s", code, out)
		}
		types, seqs, seen := map[string][]string{}, map[string][]int{}, map[string]bool{}
		for line := range strings.Lines(out) {
			var e struct {
				ID, Type, WorkflowID string
				WorkflowSeq          int
			}
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("not a JSON line: %q: %v", line, err)
			}
			if seen[e.ID] {
				t.Fatalf("event %s printed twice", e.ID)
			}
			seen[e.ID] = true
			types[e.WorkflowID] = append(types[e.WorkflowID], e.Type)
			if e.WorkflowSeq > 0 {
				seqs[e.WorkflowID] = append(seqs[e.WorkflowID], e.WorkflowSeq)
			}
		}
		last = types
		done := true
		for kind, list := range ids {
			end := "infinitic.workflow.completed"
			if kind == "cancel" {
				end = "infinitic.workflow.canceled"
			}
			for _, id := range list {
				got := types[id]
				if len(got) == 0 || got[len(got)-1] != end {
					done = false
					continue
				}
				if got[0] != "infinitic.workflow.dispatch" || got[1] != "infinitic.workflow.started" {
					t.Fatalf("%s: %v", id, got)
				}
				for i, s := range seqs[id] {
					if s != i+1 {
						t.Fatalf("%s: workflowseq %v", id, seqs[id])
					}
				}
				if kind == "fail" && !isSubsequence(got, "infinitic.task.failed", "infinitic.workflow.failed", "infinitic.workflow.retryTask",
					"infinitic.task.completed", "infinitic.workflow.signalReceived", "infinitic.workflow.completed") {
					t.Fatalf("%s: %v", id, got)
				}
			}
		}
		if done {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("events never complete: %v", last)
}

// isSubsequence tells whether want appears in got in this order.
func isSubsequence(got []string, want ...string) bool {
	for _, g := range got {
		if len(want) > 0 && g == want[0] {
			want = want[1:]
		}
	}
	return len(want) == 0
}
