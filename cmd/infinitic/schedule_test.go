package main

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic/schedule"
	"github.com/infinitic-go/infinitic/worker"
)

// runScheduleWorker runs a worker hosting schedules and Shop on the server
// until the test ends.
func runScheduleWorker(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	tr, st, closeBackend, err := openBackend(ctx, backendConfig{Kind: backendNATS, URL: url})
	if err != nil {
		t.Fatal(err)
	}
	w, err := worker.New(worker.Config{Transport: tr, Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		err = errors.Join(schedule.Host(w), worker.AddWorkflow(w, func() Shop { return shop{} }))
	}
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
		_ = closeBackend()
	})
}

// The schedule commands, as processes, against `infinitic server` and a
// worker hosting schedules: outputs, JSON and exit codes.
func TestScheduleCommands(t *testing.T) {
	url := startServer(t)
	runScheduleWorker(t, url)

	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"schedule", "--help"}, exitOK},
		{[]string{"schedule", "create", "--help"}, exitOK},
		{[]string{"schedule", "create", "bad", "Shop", "Hold", "--cron", "61 * * * *"}, exitUsage},
		{[]string{"schedule", "create", "bad", "Shop", "Hold"}, exitUsage},
		{[]string{"schedule", "create", "bad name", "Shop", "Hold", "--every", "1h"}, exitUsage},
		{[]string{"schedule", "create", "bad", "Shop", "Hold", "{", "--every", "1h"}, exitUsage},
		{[]string{"schedule", "describe", "nothing"}, exitNotFound},
		{[]string{"schedule", "pause", "nothing"}, exitNotFound},
		{[]string{"schedule", "frobnicate"}, exitUsage},
	} {
		if out, code := cli(t, url, c.args...); code != c.code {
			t.Fatalf("infinitic %s: exit code %d, want %d\n%s", strings.Join(c.args, " "), code, c.code, out)
		}
	}

	var created schedule.Description
	cliJSON(t, url, &created, "schedule", "create", "nightly", "Shop", "Hold", "3600000000000",
		"--cron", "0 2 * * *", "--tz", "Europe/Paris", "--jitter", "1m", "--overlap", "allow")
	if created.Name != "nightly" || created.Spec.TimeZone != "Europe/Paris" || created.Spec.Overlap != schedule.OverlapAllow || created.Next.IsZero() {
		t.Fatalf("create: %+v", created)
	}
	var list []schedule.Description
	cliJSON(t, url, &list, "schedule", "list")
	if len(list) != 1 || list[0].ID != created.ID {
		t.Fatalf("list: %+v", list)
	}
	out, code := cli(t, url, "schedule", "list")
	if code != exitOK || !strings.Contains(out, "cron 0 2 * * * Europe/Paris (jitter 1m0s)") {
		t.Fatalf("list: %d\n%s", code, out)
	}
	var done map[string]string
	cliJSON(t, url, &done, "schedule", "pause", "nightly", "--note", "migration")
	var desc schedule.Description
	cliJSON(t, url, &desc, "schedule", "describe", "nightly")
	if !desc.Paused || desc.Note != "migration" {
		t.Fatalf("describe after pause: %+v", desc)
	}
	cliJSON(t, url, &done, "schedule", "trigger", "nightly")
	if !strings.HasPrefix(done["run"], "nightly/trigger-") {
		t.Fatalf("trigger: %v", done)
	}
	out, code = cli(t, url, "schedule", "describe", "nightly")
	if code != exitOK || !strings.Contains(out, done["run"]) || !strings.Contains(out, "paused migration") {
		t.Fatalf("describe: %d\n%s", code, out)
	}
	t.Logf("infinitic schedule describe nightly:\n%s", out)
	if out, code := cli(t, url, "schedule", "resume", "nightly"); code != exitOK || out != "nightly: resumed\n" {
		t.Fatalf("resume: %d %q", code, out)
	}
	if out, code := cli(t, url, "workflow", "describe", "Shop", done["run"]); code != exitOK && code != exitNotFound {
		t.Fatalf("the triggered run: %d\n%s", code, out)
	}
	if out, code := cli(t, url, "schedule", "delete", "nightly"); code != exitOK {
		t.Fatalf("delete: %d %s", code, out)
	}
	if _, code := cli(t, url, "schedule", "describe", "nightly"); code != exitNotFound {
		t.Fatalf("describe after delete: exit code %d", code)
	}
	cliJSON(t, url, &list, "schedule", "list")
	if len(list) != 0 {
		t.Fatalf("list after delete: %+v", list)
	}
}
