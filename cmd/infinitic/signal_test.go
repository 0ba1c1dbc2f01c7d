package main

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// startCLI runs the infinitic command as a child process and returns it
// with a scanner on its standard output.
func startCLI(t *testing.T, args ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "INFINITIC_TEST_RUN_CLI=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, bufio.NewScanner(out)
}

// scanUntil reads lines until one contains want, and fails the test if
// the output ends first.
func scanUntil(t *testing.T, lines *bufio.Scanner, want string) string {
	t.Helper()
	for lines.Scan() {
		if strings.Contains(lines.Text(), want) {
			return lines.Text()
		}
	}
	t.Fatalf("output ended without %q", want)
	return ""
}

// SIGTERM (kill, systemd, Kubernetes) stops long commands gracefully,
// like Ctrl-C: they shut down and exit by themselves instead of being
// killed by the signal.
func TestSIGTERMDrainsLikeCtrlC(t *testing.T) {
	for _, tc := range []struct {
		name, ready, drained string
		args                 []string
		wantExit             int
	}{
		{"server", "listening on", "stopping", []string{"server", "--listen", "127.0.0.1:0"}, 0},
		// The demo reports the interruption as a failure, after shutting down.
		{"demo", "saved", "", []string{"demo", "--workflows", "200"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd, lines := startCLI(t, append(tc.args, "--data-dir", t.TempDir())...)
			scanUntil(t, lines, tc.ready)
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if tc.drained != "" {
				scanUntil(t, lines, tc.drained)
			}
			for lines.Scan() { // drain, so that the process never blocks on its output
			}
			err := cmd.Wait()
			if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() {
				t.Fatalf("killed by %v: SIGTERM was not handled", ws.Signal())
			}
			if got := cmd.ProcessState.ExitCode(); got != tc.wantExit {
				t.Fatalf("exit code %d (%v), want %d", got, err, tc.wantExit)
			}
		})
	}
}

// `infinitic server` and `infinitic demo` default to the same data
// directory: the second process fails at once, saying why.
func TestSecondProcessOnDataDirFails(t *testing.T) {
	dir := t.TempDir()
	cmd, lines := startCLI(t, "server", "--listen", "127.0.0.1:0", "--data-dir", dir)
	scanUntil(t, lines, "listening on")
	out, err := execute(t, "demo", "--workflows", "1", "--data-dir", dir)
	if err == nil || !strings.Contains(err.Error(), "is in use by another infinitic server") {
		t.Fatalf("demo on the server's data dir: want an in-use error, got %v\n%s", err, out)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("server: %v", err)
	}
}

// The embedded NATS server's logs are shown from --log-level on, through
// slog on standard error; a bad level is refused.
func TestServerLogLevel(t *testing.T) {
	cmd := exec.Command(os.Args[0], "server", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--log-level", "info")
	cmd.Env = append(os.Environ(), "INFINITIC_TEST_RUN_CLI=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	scanUntil(t, lines, "listening on")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if logs := stderr.String(); !strings.Contains(logs, "level=INFO") || !strings.Contains(logs, "component=nats-server") ||
		!strings.Contains(logs, "Starting nats-server") {
		t.Fatalf("want the NATS server's notices on stderr, got:\n%s", logs)
	}
	if _, err := execute(t, "server", "--log-level", "loud"); err == nil || !strings.Contains(err.Error(), "want debug, info, warn, error or off") {
		t.Fatalf("--log-level loud: got %v", err)
	}
}

// A NATS URL where no server answers fails within seconds, saying what
// to start.
func TestUnreachableNATSFailsSoon(t *testing.T) {
	for _, tc := range []struct {
		args []string
		hint string // a flag of this command
	}{
		{[]string{"demo", "--backend", "nats", "--nats", "nats://127.0.0.1:1"}, "--backend embedded"},
		{[]string{"workflow", "list", "Shop", "--server", "nats://127.0.0.1:1"}, "--data-dir"},
		{[]string{"events", "--server", "nats://127.0.0.1:1"}, "--data-dir"},
	} {
		cmd := exec.Command(os.Args[0], tc.args...)
		cmd.Env = append(os.Environ(), "INFINITIC_TEST_RUN_CLI=1")
		out, err := cmd.CombinedOutput()
		if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 {
			t.Fatalf("%v: want exit code 1, got %v\n%s", tc.args, err, out)
		}
		for _, want := range []string{"no NATS server answers at nats://127.0.0.1:1", "start one with `infinitic server", tc.hint} {
			if !strings.Contains(string(out), want) {
				t.Errorf("%v: want a message saying %q, got:\n%s", tc.args, want, out)
			}
		}
	}
}
