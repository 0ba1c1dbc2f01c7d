package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// execute runs the infinitic command with args and returns its stdout.
func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := newRootCmd()
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err := cmd.ExecuteContext(ctx)
	return out.String(), err
}

func TestDemo(t *testing.T) {
	for _, backend := range []string{backendMemory, backendEmbedded} {
		t.Run(backend, func(t *testing.T) {
			out, err := execute(t, "demo", "--workflows", "5", "--backend", backend, "--data-dir", t.TempDir())
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			checkDemoOutput(t, out)
			if !strings.Contains(out, "(backend "+backend+")") {
				t.Fatalf("backend not reported in:\n%s", out)
			}
		})
	}
}

func TestDemoDefaultsToEmbedded(t *testing.T) {
	t.Chdir(t.TempDir()) // the default data directory is relative
	out, err := execute(t, "demo", "--workflows", "5")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	checkDemoOutput(t, out)
	if !strings.HasPrefix(out, "Running 5 image workflows (backend embedded)\n") {
		t.Fatalf("want the embedded backend by default, got:\n%s", out)
	}
}

// checkDemoOutput checks that out reports 5 distinct successful workflows
// and a summary.
func checkDemoOutput(t *testing.T, out string) {
	t.Helper()
	result := regexp.MustCompile(`(?m)^\d/5  https://images\.example\.com/photo-(\d\d)\.jpg  saved 3 images for user(\d\d)@example\.com$`)
	seen := map[string]bool{}
	for _, m := range result.FindAllStringSubmatch(out, -1) {
		if m[1] != m[2] {
			t.Fatalf("photo %s reported for user %s", m[1], m[2])
		}
		seen[m[1]] = true
	}
	for i := 1; i <= 5; i++ {
		if !seen[fmt.Sprintf("%02d", i)] {
			t.Fatalf("no result for workflow %d in:\n%s", i, out)
		}
	}
	if len(seen) != 5 {
		t.Fatalf("want 5 results, got %d in:\n%s", len(seen), out)
	}
	if !strings.Contains(out, "5 workflows: 5 completed, 0 failed in ") || !strings.Contains(out, "40 tasks)") {
		t.Fatalf("no summary in:\n%s", out)
	}
}

// The embedded backend keeps its data in --data-dir: the demo says where
// and how to start over, and a second run on the same directory works on
// the existing streams and bucket, counting only its own work (none: an
// earlier run completed every workflow).
func TestDemoEmbeddedDataDirReused(t *testing.T) {
	dir := t.TempDir()
	out, err := execute(t, "demo", "--workflows", "5", "--backend", backendEmbedded, "--data-dir", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	checkDemoOutput(t, out)
	if want := "Data in " + dir + " (the demo's pictures in "; !strings.Contains(out, want) || !strings.Contains(out, "to start over, stop the demo and rm -rf "+dir) {
		t.Fatalf("want where the data lives and how to start over, got:\n%s", out)
	}
	again, err := execute(t, "demo", "--workflows", "5", "--backend", backendEmbedded, "--data-dir", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, again)
	}
	if !strings.Contains(again, "5 workflows: 5 completed, 0 failed in ") ||
		!strings.Contains(again, "(all 5 completed by an earlier run: nothing new ran)") ||
		strings.Contains(again, "workflows/s") {
		t.Fatalf("second run: want a summary without throughput, got:\n%s", again)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("the data directory is empty (%v)", err)
	}
}

// Interrupting the demo (Ctrl-C cancels its context) and running it again
// on the same data directory resumes the unfinished workflows.
func TestDemoResumesAfterInterrupt(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	cmd := newRootCmd()
	cmd.SetArgs([]string{"demo", "--workflows", "200", "--data-dir", dir})
	cmd.SetOut(&interrupter{w: &out, after: 5, cancel: cancel})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.ExecuteContext(ctx); err == nil {
		t.Fatalf("interrupted demo: want an error, got success:\n%s", out.String())
	}
	again, err := execute(t, "demo", "--workflows", "200", "--data-dir", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, again)
	}
	if !regexp.MustCompile(`Resuming an earlier run: \d+ already completed, \d+ in progress`).MatchString(again) {
		t.Fatalf("no resume line in:\n%s", again)
	}
	if !strings.Contains(again, "200 workflows: 200 completed, 0 failed") {
		t.Fatalf("not all completed:\n%s", again)
	}
}

// interrupter cancels after some result lines, like a user's Ctrl-C.
type interrupter struct {
	w      *bytes.Buffer
	after  int
	cancel context.CancelFunc
}

func (i *interrupter) Write(b []byte) (int, error) {
	if strings.Contains(string(b), "saved") {
		if i.after--; i.after == 0 {
			i.cancel()
		}
	}
	return i.w.Write(b)
}

func TestDemoRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "--workflows", "0"},
		{"demo", "--backend", "redis"},
		{"demo", "--backend", "nats"}, // no --nats URL
		{"demo", "--timeout", "0s"},
		{"demo", "extra-arg"},
	} {
		if _, err := execute(t, args...); err == nil {
			t.Errorf("%v: want an error", args)
		}
	}
}
