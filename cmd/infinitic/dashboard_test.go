package main

import (
	"bufio"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// `infinitic dashboard` as a process, on `infinitic server` with a Shop
// worker: it finds the workflow among the consumers, serves its pages,
// refuses actions with --read-only, warns when it can act beyond
// loopback, and stops on SIGTERM.
func TestDashboardCommand(t *testing.T) {
	url0 := startServer(t)
	var broken atomic.Bool
	runShopWorker(t, url0, &broken)
	for _, tc := range []struct {
		name    string
		args    []string
		post    int  // status of a POST of an action without token
		warning bool // on stderr
	}{
		{"read-only", []string{"--read-only", "--listen", "127.0.0.1:0"}, http.StatusForbidden, false},
		{"exposed", []string{"--listen", "0.0.0.0:0"}, http.StatusForbidden, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], append([]string{"dashboard", "--server", url0}, tc.args...)...)
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
			t.Cleanup(func() { _ = cmd.Process.Kill() })
			lines := bufio.NewScanner(out)
			line := scanUntil(t, lines, "dashboard on")
			port := regexp.MustCompile(`http://\S+:(\d+)/`).FindStringSubmatch(line)
			if port == nil {
				t.Fatalf("no address in %q", line)
			}
			base := "http://127.0.0.1:" + port[1]
			for path, want := range map[string]string{"/": "Shop", "/streams": "svc.Till", "/?workflow=Shop": "0</span> failed"} {
				getUntil(t, base+path, want)
			}
			resp, err := http.PostForm(base+"/action", url.Values{"op": {"start"}, "workflow": {"Shop"}, "method": {"Order"}, "value": {"1"}, "confirmed": {"yes"}})
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != tc.post {
				t.Errorf("POST: %s, want %d", resp.Status, tc.post)
			}
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			for lines.Scan() {
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("after SIGTERM: %v\n%s", err, stderr.String())
			}
			if got := strings.Contains(stderr.String(), "WARNING"); got != tc.warning {
				t.Errorf("warning printed: %v, want %v\n%s", got, tc.warning, stderr.String())
			}
		})
	}
}

// getUntil gets url until it answers 200 with want in its body (the
// worker may not have bound its consumers yet), or fails after a minute.
func getUntil(t *testing.T, url, want string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusOK && strings.Contains(string(body), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %s, want 200 with %q:\n%s", url, resp.Status, want, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// infinitic server --http serves the dashboard of its own deployment.
func TestServerServesDashboard(t *testing.T) {
	cmd, lines := startCLI(t, "server", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--http", "127.0.0.1:0")
	port := regexp.MustCompile(`http://\S+:(\d+)/`).FindStringSubmatch(scanUntil(t, lines, "dashboard on"))
	url := regexp.MustCompile(`nats://[0-9.]+:\d+`).FindString(scanUntil(t, lines, "listening on"))
	if port == nil || url == "" {
		t.Fatal("no dashboard or server address printed")
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		for lines.Scan() {
		}
		_ = cmd.Wait()
	})
	var broken atomic.Bool
	runShopWorker(t, url, &broken)
	base := "http://127.0.0.1:" + port[1]
	getUntil(t, base+"/streams", "svc.Till")
	getUntil(t, base+"/?workflow=Shop", "0</span> running")
}
