package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// infinitic vet reports the mistake of testdata/vet, and nothing in
// testdata/vetok, exiting 1; --help exits 0.
func TestVet(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"vet", "./testdata/vet", "./testdata/vetok"}, 1,
			"testdata/vet/flows.go:13:2: time.Sleep in workflow code: use workflow.Sleep(ctx, d), a durable timer\n" +
				"Error: 1 report(s) of non-deterministic workflow code\n"},
		{[]string{"vet", "--help"}, 0, "workflowcheck"},
	} {
		cmd := exec.Command(os.Args[0], tc.args...)
		cmd.Env = append(os.Environ(), "INFINITIC_TEST_RUN_CLI=1")
		out, err := cmd.CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code || tc.code == 1 && string(out) != tc.want || !strings.Contains(string(out), tc.want) {
			t.Errorf("infinitic %s: exit %d, want %d; output:\n%s\nwant:\n%s", strings.Join(tc.args, " "), code, tc.code, out, tc.want)
		}
	}
}
