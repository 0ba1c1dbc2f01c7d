package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The image example deployed as Infinitic is: `infinitic server`, a worker
// running the services, a worker running the workflows and a client, four
// processes that meet only on the broker. The workers and the client are
// configured only by the example's own infinitic.yml files (the server's
// URL comes from INFINITIC_TRANSPORT_NATS_URL, as the port is chosen at
// run time). Everything stops with SIGTERM and exits cleanly.
func TestDeployedAsProcesses(t *testing.T) {
	bin := buildPrograms(t)
	t.Run("image example", func(t *testing.T) { runImageExample(t, bin) })
	t.Run("fails at start", func(t *testing.T) { failAtStart(t, bin) })
}

func runImageExample(t *testing.T, bin string) {
	url := startServer(t, bin)
	env := append(os.Environ(), "INFINITIC_TRANSPORT_NATS_URL="+url)
	example := filepath.Join("..", "examples", "image", "cmd")

	workers := []*process{
		start(t, env, filepath.Join(bin, "worker-services"), "--config", filepath.Join(example, "worker-services", "infinitic.yml")),
		start(t, env, filepath.Join(bin, "worker-workflows"), "--config", filepath.Join(example, "worker-workflows", "infinitic.yml")),
	}
	for _, w := range workers {
		w.waitFor(t, "Ctrl-C to stop")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	client := exec.CommandContext(ctx, filepath.Join(bin, "client"), "--config", filepath.Join(example, "client", "infinitic.yml"),
		"-n", "3", "--timeout", "90s")
	client.Env = env
	out, err := client.CombinedOutput()
	if err != nil {
		t.Fatalf("client: %v\n%s\nworker-services:\n%s\nworker-workflows:\n%s", err, out, workers[0].log(), workers[1].log())
	}
	for i := 1; i <= 3; i++ {
		want := fmt.Sprintf("%d/3 saved 3 images for user%d@example.com", i, i)
		if !strings.Contains(string(out), want) {
			t.Errorf("client output lacks %q:\n%s", want, out)
		}
	}
	for _, w := range workers {
		w.stop(t)
	}
}

// failAtStart checks that a worker with an invalid file, or a broker that
// is not there, fails at start, saying where the problem is or what to
// start.
func failAtStart(t *testing.T, bin string) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "infinitic.yml")
	if err := os.WriteFile(bad, []byte("transport:\n  nats:\n    url: nats://127.0.0.1:1\nservices:\n  ImageUtil:\n    concurency: 4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	unreachable := filepath.Join(dir, "unreachable.yml")
	if err := os.WriteFile(unreachable, []byte("transport:\n  nats:\n    url: nats://127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, program, config, want string
	}{
		{"unknown key", "worker-services", bad, bad + ":6: services.ImageUtil.concurency: unknown key"},
		{"no broker", "worker-workflows", unreachable, "no NATS server answers at nats://127.0.0.1:1"},
		{"no broker, client", "client", unreachable, "start one with `infinitic server"},
		{"missing file", "client", filepath.Join(dir, "nope.yml"), "nope.yml: no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			out, err := exec.CommandContext(ctx, filepath.Join(bin, tc.program), "--config", tc.config).CombinedOutput()
			if err == nil || !strings.Contains(string(out), tc.want) {
				t.Fatalf("got %v:\n%s\nwant a failure saying %q", err, out, tc.want)
			}
		})
	}
}

// buildPrograms builds `infinitic` and the example's three programs in a
// temporary directory.
func buildPrograms(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+string(filepath.Separator),
		"../cmd/infinitic", "../examples/image/cmd/worker-services", "../examples/image/cmd/worker-workflows", "../examples/image/cmd/client")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

// startServer runs `infinitic server` on a free loopback port with a
// temporary data directory and returns its URL.
func startServer(t *testing.T, bin string) string {
	t.Helper()
	srv := start(t, nil, filepath.Join(bin, "infinitic"), "server", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir())
	line := srv.waitFor(t, "listening on")
	url := regexp.MustCompile(`nats://[0-9.:]+`).FindString(line)
	if url == "" {
		t.Fatalf("no URL in %q", line)
	}
	t.Cleanup(func() { srv.stop(t) })
	return url
}

// process is a program running in the background; its output is read
// line by line.
type process struct {
	cmd    *exec.Cmd
	lines  chan string   // standard output and error
	done   chan struct{} // closed when the output ended
	mu     sync.Mutex
	output bytes.Buffer // everything read, for failure messages
}

// log returns the output so far.
func (p *process) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.output.String()
}

func start(t *testing.T, env []string, name string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(name, args...), lines: make(chan string, 100), done: make(chan struct{})}
	p.cmd.Env = env
	r, w := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = w, w
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		s := bufio.NewScanner(r)
		for s.Scan() {
			select {
			case p.lines <- s.Text():
			default: // nobody waits for lines now
			}
			p.mu.Lock()
			p.output.WriteString(s.Text() + "\n")
			p.mu.Unlock()
		}
	}()
	go func() { _ = p.cmd.Wait(); w.Close() }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitFor returns the first line containing want, failing if the program
// ends first or nothing comes within a minute.
func (p *process) waitFor(t *testing.T, want string) string {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case line := <-p.lines:
			if strings.Contains(line, want) {
				return line
			}
		case <-p.done:
			t.Fatalf("%s ended without printing %q", p.cmd.Path, want)
		case <-timeout:
			t.Fatalf("%s did not print %q within a minute", p.cmd.Path, want)
		}
	}
}

// stop sends SIGTERM and checks that the program exits by itself with
// status 0.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		t.Fatalf("%s still running a minute after SIGTERM", p.cmd.Path)
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("%s exited with %d after SIGTERM:\n%s", filepath.Base(p.cmd.Path), code, p.log())
	}
}
