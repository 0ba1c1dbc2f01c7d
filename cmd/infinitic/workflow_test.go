package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Shop is the workflow the CLI operates in these tests.
type Shop interface {
	// Order charges the amount, then waits for a confirmation.
	Order(ctx workflow.Context, amount int) (string, error)
	// Hold waits for a timer.
	Hold(ctx workflow.Context, d time.Duration) (string, error)
}

type shopConfirmation struct{ By string }

var shopConfirmations = workflow.NewChannel[Shop, shopConfirmation]("confirmations")

// Till fails to charge negative amounts while broken.
type Till interface {
	Charge(ctx context.Context, amount int) (int, error)
}

type till struct{ broken func() bool }

func (t till) Charge(_ context.Context, amount int) (int, error) {
	if amount < 0 && t.broken() {
		return 0, fmt.Errorf("till broken: cannot charge %d", amount)
	}
	return amount, nil
}

type shop struct{}

func (shop) Order(ctx workflow.Context, amount int) (string, error) {
	charged, err := workflow.Call(ctx, Till.Charge, amount)
	if err != nil {
		return "", err
	}
	c, err := shopConfirmations.Receive(ctx).Await(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d confirmed by %s", charged, c.By), nil
}

func (shop) Hold(ctx workflow.Context, d time.Duration) (string, error) {
	if err := workflow.Sleep(ctx, d); err != nil {
		return "", err
	}
	return "released", nil
}

// startServer runs `infinitic server` as a process and returns its URL.
func startServer(t *testing.T) string {
	t.Helper()
	cmd, lines := startCLI(t, "server", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir())
	url := regexp.MustCompile(`nats://[0-9.]+:\d+`).FindString(scanUntil(t, lines, "listening on"))
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		for lines.Scan() {
		}
		_ = cmd.Wait()
	})
	return url
}

// newShopWorker returns a worker of Shop on tr and st.
func newShopWorker(tr transport.Transport, st store.Store, broken func() bool, healthAddr string) (*worker.Worker, error) {
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: slog.New(slog.DiscardHandler), HealthAddr: healthAddr})
	if err != nil {
		return nil, err
	}
	return w, errors.Join(
		worker.AddService[Till](w, till{broken}, worker.WithRetry(infinitic.RetryPolicy{MaxRetries: 1, MinDelay: time.Millisecond})),
		worker.AddWorkflow(w, func() Shop { return shop{} }))
}

// runShopWorker runs a worker of Shop on the server until the test ends.
func runShopWorker(t *testing.T, url string, broken *atomic.Bool) {
	t.Helper()
	ctx := context.Background()
	tr, st, closeBackend, err := openBackend(ctx, backendConfig{Kind: backendNATS, URL: url})
	if err != nil {
		t.Fatal(err)
	}
	w, err := newShopWorker(tr, st, broken.Load, "")
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
		_ = closeBackend()
	})
}

// cli runs the infinitic command as a process with INFINITIC_SERVER set
// to url, and returns its standard output and exit code.
func cli(t *testing.T, url string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "INFINITIC_TEST_RUN_CLI=1", serverEnv+"="+url)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("infinitic %v: %v", args, err)
	}
	if stderr.Len() > 0 {
		t.Logf("infinitic %s: %s", strings.Join(args, " "), stderr.String())
	}
	return string(out), cmd.ProcessState.ExitCode()
}

// cliJSON runs the command with --output json and decodes its output.
func cliJSON(t *testing.T, url string, v any, args ...string) {
	t.Helper()
	out, code := cli(t, url, append(args, "--output", "json")...)
	if code != exitOK {
		t.Fatalf("infinitic %v: exit code %d\n%s", args, code, out)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("infinitic %v: %v\n%s", args, err, out)
	}
}

// The CLI, as a process, operates instances run by a worker on `infinitic
// server`: start, describe, history, retry, signal, cancel, with the exit
// codes scripts rely on.
func TestWorkflowCommands(t *testing.T) {
	url := startServer(t)
	broken := &atomic.Bool{}
	broken.Store(true)
	runShopWorker(t, url, broken)

	// waitDescribe describes id until cond holds.
	waitDescribe := func(id string, cond func(admin.Instance) bool) admin.Instance {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			var in admin.Instance
			out, code := cli(t, url, "workflow", "describe", "Shop", id, "--output", "json")
			if code == exitOK {
				if err := json.Unmarshal([]byte(out), &in); err != nil {
					t.Fatal(err)
				}
				if cond(in) {
					return in
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("describe %s: condition never met; last: %d %s", id, code, out)
			}
		}
	}
	waiting := func(in admin.Instance) bool {
		return in.Status == admin.StatusRunning && len(in.Pending) == 1 && in.Pending[0].Kind == admin.StepReceive
	}

	// Start, wait on a channel, signal, completed.
	var started struct{ ID string }
	cliJSON(t, url, &started, "workflow", "start", "Shop", "Order", "12", "--id", "ok-1", "--tag", "team:a")
	if started.ID != "ok-1" {
		t.Fatalf("start: %+v", started)
	}
	waitDescribe("ok-1", waiting)
	if out, code := cli(t, url, "workflow", "signal", "Shop", "ok-1", "confirmations", `{"By":"ops"}`); code != exitOK {
		t.Fatalf("signal: %d %s", code, out)
	}
	in := waitDescribe("ok-1", func(in admin.Instance) bool { return in.Status == admin.StatusCompleted })
	if string(in.Output) != `"12 confirmed by ops"` {
		t.Fatalf("completed: %+v", in)
	}
	if _, code := cli(t, url, "workflow", "signal", "Shop", "ok-1", "confirmations", `{}`); code != exitRefused {
		t.Fatalf("signal a completed instance: exit code %d, want %d", code, exitRefused)
	}

	// Signal-with-start by custom id: starts an instance, and a new one
	// once it ended; by the id of an ended instance: refused.
	var sent struct{ ID, Done string }
	cliJSON(t, url, &sent, "workflow", "signal", "Shop", "confirmations", `{"By":"cli"}`, "--start", "Order", "--input", "5", "--custom-id", "sws-1")
	in = waitDescribe(sent.ID, func(in admin.Instance) bool { return in.Status == admin.StatusCompleted })
	if string(in.Output) != `"5 confirmed by cli"` || sent.Done != "sent to confirmations" {
		t.Fatalf("signal-with-start: %+v, %+v", sent, in)
	}
	first := sent.ID
	cliJSON(t, url, &sent, "workflow", "signal", "Shop", "confirmations", `{"By":"again"}`, "--start", "Order", "--input", "6", "--custom-id", "sws-1")
	if sent.ID == first {
		t.Fatalf("signal-with-start after the end: the ended instance %s again", first)
	}
	waitDescribe(sent.ID, func(in admin.Instance) bool { return in.Status == admin.StatusCompleted })
	if _, code := cli(t, url, "workflow", "signal", "Shop", "ok-1", "confirmations", `{}`, "--start", "Order", "--input", "1"); code != exitRefused {
		t.Fatalf("signal-with-start of an ended id: exit code %d, want %d", code, exitRefused)
	}

	// A failing task: --wait exits 5; describe and history show the chain.
	out, code := cli(t, url, "workflow", "start", "--id", "ko-1", "--wait", "--", "Shop", "Order", "-7")
	if code != exitWorkflowKO || strings.TrimSpace(out) != "ko-1" {
		t.Fatalf("start --wait of a failing workflow: %d %q", code, out)
	}
	var page admin.Page
	cliJSON(t, url, &page, "workflow", "list", "Shop", "--status", "failed")
	if len(page.Instances) != 1 || page.Instances[0].ID != "ko-1" || page.Instances[0].Error == nil {
		t.Fatalf("list --status failed: %+v", page)
	}
	out, code = cli(t, url, "workflow", "describe", "Shop", "ko-1")
	if code != exitOK || !regexp.MustCompile(`Status\s+failed`).MatchString(out) || !strings.Contains(out, "till broken: cannot charge -7") {
		t.Fatalf("describe failed: %d\n%s", code, out)
	}
	t.Logf("infinitic workflow describe Shop ko-1:\n%s", out)
	var steps []admin.Step
	cliJSON(t, url, &steps, "workflow", "history", "Shop", "ko-1")
	if len(steps) != 2 || steps[1].Kind != admin.StepTask || steps[1].Status != admin.StepFailed || steps[1].Attempts != 2 ||
		steps[1].Error == nil || steps[1].Error.Chain[len(steps[1].Error.Chain)-1] != "till broken: cannot charge -7" {
		t.Fatalf("history: %+v", steps)
	}
	out, _ = cli(t, url, "workflow", "history", "Shop", "ko-1")
	t.Logf("infinitic workflow history Shop ko-1:\n%s", out)
	if _, code := cli(t, url, "workflow", "retry", "Shop", "ok-1"); code != exitRefused {
		t.Fatalf("retry a completed instance: exit code %d", code)
	}
	broken.Store(false)
	if out, code := cli(t, url, "workflow", "retry", "Shop", "ko-1"); code != exitOK {
		t.Fatalf("retry: %d %s", code, out)
	}
	waitDescribe("ko-1", waiting)
	exportAndReplay(t, url, "ko-1")

	// Cancel by id and by tag.
	if out, code := cli(t, url, "workflow", "cancel", "Shop", "ko-1"); code != exitOK {
		t.Fatalf("cancel: %d %s", code, out)
	}
	waitDescribe("ko-1", func(in admin.Instance) bool { return in.Status == admin.StatusCanceled })
	for _, id := range []string{"b-1", "b-2", "b-3"} {
		cliJSON(t, url, &started, "workflow", "start", "Shop", "Order", "1", "--id", id, "--tag", "batch:9")
		waitDescribe(id, waiting)
	}
	var canceled struct{ Canceled int }
	cliJSON(t, url, &canceled, "workflow", "cancel", "Shop", "--tag", "batch:9")
	if canceled.Canceled != 3 {
		t.Fatalf("cancel by tag: %+v", canceled)
	}

	var count struct{ Count int }
	cliJSON(t, url, &count, "workflow", "list", "Shop", "--status", "canceled", "--count")
	if count.Count != 4 {
		t.Fatalf("canceled: %+v", count)
	}
	out, _ = cli(t, url, "workflow", "list", "Shop")
	t.Logf("infinitic workflow list Shop:\n%s", out)

	// Exit codes.
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"workflow", "describe", "Shop", "nope"}, exitNotFound},
		{[]string{"workflow", "history", "Shop", "nope"}, exitNotFound},
		{[]string{"workflow", "describe", "Shop"}, exitUsage},
		{[]string{"workflow", "start", "Shop", "Order", "{"}, exitUsage},
		{[]string{"workflow", "describe", "Bad.Name", "x"}, exitUsage},
		{[]string{"workflow", "cancel", "Shop"}, exitUsage},
		{[]string{"workflow", "describe", "Shop", "x", "--output", "yaml"}, exitUsage},
		{[]string{"workflow", "nope"}, exitUsage},
		{[]string{"workflow", "describe", "--nope"}, exitUsage},
		{[]string{"workflow", "cancel", "Shop", "ok-1"}, exitRefused},
		{[]string{"workflow", "export", "Shop", "ok-1"}, exitRefused},
		{[]string{"workflow", "export", "Shop", "nobody"}, exitNotFound},
		{[]string{"workflow", "list", "Shop", "--limit", "0"}, exitUsage},
		{[]string{"workflow", "signal", "Shop", "confirmations", "{}", "--tag", "t", "--start", "Order"}, exitUsage},
		{[]string{"workflow", "signal", "Shop", "x", "confirmations", "{}", "--input", "1"}, exitUsage},
		{[]string{"workflow", "signal", "Shop", "confirmations", "{}", "--start", "Order"}, exitUsage},
		{[]string{"workflow", "list", "Shop", "--started-after", "yesterday"}, exitUsage},
		{[]string{"version"}, exitOK},
	} {
		if _, code := cli(t, url, tc.args...); code != tc.want {
			t.Errorf("infinitic %v: exit code %d, want %d", tc.args, code, tc.want)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := execute(t, args...)
		if err != nil || !strings.HasPrefix(out, "infinitic ") || !strings.Contains(out, "go1.") {
			t.Errorf("%v: %q %v", args, out, err)
		}
	}
}
