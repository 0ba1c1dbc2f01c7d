package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
	out, err := execute(t, "demo", "--workflows", "5")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
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

func TestDemoEmbeddedBackendNotAvailableYet(t *testing.T) {
	_, err := execute(t, "demo", "--backend", "embedded")
	if !errors.Is(err, errBackendUnavailable) {
		t.Fatalf("want errBackendUnavailable, got %v", err)
	}
}

func TestDemoRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "--workflows", "0"},
		{"demo", "--backend", "redis"},
		{"demo", "--timeout", "0s"},
		{"demo", "extra-arg"},
	} {
		if _, err := execute(t, args...); err == nil {
			t.Errorf("%v: want an error", args)
		}
	}
}
