package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	ch  chan string
	buf bytes.Buffer
}

func (s *syncBuffer) Write(b []byte) (int, error) {
	s.ch <- string(b)
	return s.buf.Write(b)
}

// `infinitic server` serves other processes: the demo runs against it
// through the nats backend.
func TestServerAndDemoOverNATS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srvCtx, stopServer := context.WithCancel(ctx)
	out := &syncBuffer{ch: make(chan string, 16)}
	cmd := newRootCmd()
	cmd.SetArgs([]string{"server", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir()})
	cmd.SetOut(out)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(srvCtx) }()
	var url string
	select {
	case line := <-out.ch:
		url = regexp.MustCompile(`nats://[0-9.]+:\d+`).FindString(line)
	case err := <-done:
		t.Fatalf("server stopped: %v", err)
	}
	if url == "" {
		t.Fatal("server did not print its URL")
	}
	demo, err := execute(t, "demo", "--workflows", "5", "--backend", backendNATS, "--nats", url)
	if err != nil {
		t.Fatalf("%v\n%s", err, demo)
	}
	checkDemoOutput(t, demo)
	stopServer()
	go func() { <-out.ch }() // "stopping"
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// `infinitic server` warns when anyone can reach it with every right: an
// address other than loopback without --users.
func TestServerWarnsWhenExposed(t *testing.T) {
	users := filepath.Join(t.TempDir(), "users.yml")
	if err := os.WriteFile(users, []byte("users:\n  - {name: shop, password: s3cret, role: client}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		warn bool
	}{
		{"loopback", []string{"--listen", "127.0.0.1:0"}, false},
		{"all interfaces", []string{"--listen", "0.0.0.0:0"}, true},
		{"all interfaces with users", []string{"--listen", "0.0.0.0:0", "--users", users}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			out := &syncBuffer{ch: make(chan string, 16)}
			var errOut bytes.Buffer
			cmd := newRootCmd()
			cmd.SetArgs(append([]string{"server", "--data-dir", t.TempDir()}, tc.args...))
			cmd.SetOut(out)
			cmd.SetErr(&errOut)
			done := make(chan error, 1)
			go func() { done <- cmd.ExecuteContext(ctx) }()
			select {
			case <-out.ch: // listening: the warning, if any, came before
			case err := <-done:
				t.Fatalf("server stopped: %v", err)
			}
			if got := strings.Contains(errOut.String(), "WARNING"); got != tc.warn {
				t.Errorf("warning printed: %v, want %v; stderr: %q", got, tc.warn, errOut.String())
			}
			cancel()
			go func() { <-out.ch }() // "stopping"
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestServerBadUsersFile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, content, wantErr string }{
		{"unknown key", "users:\n  - {name: a, pasword: x}\n", "pasword"},
		{"no users", "users: []\n", "no users"},
		{"bad role", "users:\n  - {name: a, password: x, role: boss}\n", `unknown role "boss"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".yml")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := execute(t, "server", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--users", path)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
