package main

import (
	"bufio"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

// `demo --role worker` and `demo --role client` split the demo in two: the
// client meets the worker only through the worker's embedded server, over
// TCP.
func TestDemoRoles(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	workerCtx, stopWorker := context.WithCancel(ctx)
	defer stopWorker()
	out, w := io.Pipe()
	cmd := newRootCmd()
	cmd.SetArgs([]string{"demo", "--role", "worker", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir()})
	cmd.SetOut(w)
	cmd.SetErr(io.Discard)
	stopped := make(chan error, 1)
	go func() { stopped <- cmd.ExecuteContext(workerCtx); w.Close() }()

	lines := bufio.NewScanner(out)
	var url string
	for url == "" && lines.Scan() {
		if strings.Contains(lines.Text(), "--role client --nats ") {
			url = regexp.MustCompile(`nats://[0-9.:]+`).FindString(lines.Text())
		}
	}
	if url == "" {
		t.Fatalf("the worker printed no URL for clients (stopped: %v)", <-stopped)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }() // the worker never blocks on its output

	got, err := execute(t, "demo", "--role", "client", "--nats", url, "--workflows", "5")
	if err != nil {
		t.Fatalf("client: %v\n%s", err, got)
	}
	checkDemoOutput(t, got)
	if !strings.Contains(got, "(backend nats)") {
		t.Errorf("want the client on the nats backend by default:\n%s", got)
	}
	stopWorker()
	if err := <-stopped; err != nil {
		t.Fatalf("worker: %v", err)
	}
}

func TestDemoRolesRejectBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--role", "boss"}, `unknown --role "boss"`},
		{[]string{"demo", "--role", "worker", "--backend", "memory"}, "serves no other process"},
		{[]string{"demo", "--role", "client", "--backend", "embedded"}, "use --backend nats"},
	} {
		if _, err := execute(t, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}
