package main

import (
	"strconv"
	"strings"
	"testing"
)

// The bench report has fixed keys; its numbers must be consistent.
func TestBenchCommand(t *testing.T) {
	out, err := execute(t, "bench", "-backend", "memory", "-workflows", "50", "-tasks", "2", "-lone", "5", "-progress=false")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	values := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			values[k] = v
		}
	}
	if values["completed"] != "50" || values["failed"] != "0" || values["lone_workflows"] != "5" {
		t.Fatalf("unexpected report:\n%s", out)
	}
	for _, k := range []string{"workflows_per_s", "tasks_per_s", "latency_p50_ms", "latency_p99_ms", "lone_p99_ms"} {
		v, err := strconv.ParseFloat(values[k], 64)
		if err != nil || v <= 0 {
			t.Fatalf("%s = %q in:\n%s", k, values[k], out)
		}
	}
	if _, err := execute(t, "bench", "-backend", "nope"); err == nil {
		t.Fatal("unknown backend: want error")
	}
	for _, help := range []string{"--help", "-h"} {
		if _, err := execute(t, "bench", help); err != nil { // the usage goes to stderr
			t.Errorf("bench %s: %v", help, err)
		}
	}
}
