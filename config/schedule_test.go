package config

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/schedule"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

type Nightly interface {
	Run(ctx workflow.Context, in string) (string, error)
}

type nightly struct{}

func (nightly) Run(_ workflow.Context, in string) (string, error) { return in, nil }

// A worker run from a file hosts the file's schedules and creates them;
// run again with a changed file, it updates them (same instance).
func TestWorkerCreatesTheFileSchedules(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	file := func(every string) *Config {
		yml := "transport:\n  embedded:\n    dataDir: " + dir + "\nschedules:\n  nightly:\n    workflow: Nightly\n    method: Run\n" +
			"    input: '\"tick\"'\n    every: " + every + "\n    overlap: allow\n    tags: [ops]\n"
		c, err := parse("infinitic.yml", []byte(yml), nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	var ids []string
	for _, every := range []time.Duration{time.Hour, 2 * time.Hour} {
		cfg := file(every.String())
		b, err := cfg.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			done <- cfg.run(runCtx, b, func(w *worker.Worker) error {
				return worker.AddWorkflow(w, func() Nightly { return nightly{} })
			})
		}()
		c, err := client.New(ctx, b.ClientConfig())
		if err != nil {
			t.Fatal(err)
		}
		var desc schedule.Description
		for {
			desc, err = schedule.Describe(ctx, c, "nightly")
			if err == nil && desc.Spec.Every == every {
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("schedule never created with every %s: %+v %v", every, desc, err)
			case <-time.After(10 * time.Millisecond):
			}
		}
		if desc.Call.Workflow != "Nightly" || string(desc.Call.Input) != `"tick"` || desc.Spec.Overlap != schedule.OverlapAllow || strings.Join(desc.Tags, ",") != "ops" {
			t.Fatalf("schedule %+v", desc)
		}
		ids = append(ids, desc.ID)
		_ = c.Close()
		stop()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if ids[0] != ids[1] {
		t.Fatalf("the second start made a new schedule: %v", ids)
	}
}

func TestInvalidSchedules(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"bad cron", "schedules:\n  nightly:\n    workflow: W\n    method: M\n    cron: '61 * * * *'\n", "infinitic.yml:2: schedules.nightly: "},
		{"no target", "schedules:\n  nightly:\n    every: 1h\n", "infinitic.yml:2: schedules.nightly: workflow and method are required"},
		{"bad input", "schedules:\n  nightly:\n    workflow: W\n    method: M\n    every: 1h\n    input: '{'\n", "infinitic.yml:6: schedules.nightly.input: not valid JSON"},
		{"bad overlap", "schedules:\n  nightly:\n    workflow: W\n    method: M\n    every: 1h\n    overlap: never\n", `overlap "never"`},
		{"bad name", "schedules:\n  night ly:\n    workflow: W\n    method: M\n    every: 1h\n", "schedule name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse("infinitic.yml", []byte(tc.yaml), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if tc.name == "bad cron" && !errors.Is(err, schedule.ErrInvalidSpec) && !strings.Contains(err.Error(), "invalid spec") {
				t.Fatalf("error %v does not say the spec is invalid", err)
			}
		})
	}
}
