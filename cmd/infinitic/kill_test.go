package main

import (
	"bufio"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestMain lets the test binary play the infinitic command, for tests
// that kill -9 a real process.
func TestMain(m *testing.M) {
	if os.Getenv("INFINITIC_TEST_RUN_CLI") == "1" {
		main()
		os.Exit(0)
	}
	if url := os.Getenv(shopWorkerEnv); url != "" {
		os.Exit(runShopWorkerProcess(url))
	}
	os.Exit(m.Run())
}

// The demo killed with SIGKILL in the middle of its run resumes its
// workflows when run again on the same data directory.
func TestDemoResumesAfterKill9(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "demo", "--workflows", "120", "--data-dir", dir)
	cmd.Env = append(os.Environ(), "INFINITIC_TEST_RUN_CLI=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	for done := 0; done < 3 && lines.Scan(); {
		if strings.Contains(lines.Text(), "saved") {
			done++
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup at all
		t.Fatal(err)
	}
	_ = cmd.Wait()
	again, err := execute(t, "demo", "--workflows", "120", "--data-dir", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, again)
	}
	if !regexp.MustCompile(`Resuming an earlier run: [1-9]\d* already completed, \d+ in progress`).MatchString(again) {
		t.Fatalf("no resume line in:\n%s", again)
	}
	if !strings.Contains(again, "120 workflows: 120 completed, 0 failed") {
		t.Fatalf("not all completed:\n%s", again)
	}
}
