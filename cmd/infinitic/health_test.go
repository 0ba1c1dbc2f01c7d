package main

import (
	"io"
	"net/http"
	"regexp"
	"syscall"
	"testing"
)

// `infinitic server --health` serves /healthz and /readyz.
func TestServerHealthProbes(t *testing.T) {
	cmd, lines := startCLI(t, "server", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--health", "127.0.0.1:0")
	addr := regexp.MustCompile(`http://([0-9.]+:\d+)`).FindStringSubmatch(scanUntil(t, lines, "health probes on"))[1]
	scanUntil(t, lines, "listening on")
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}
