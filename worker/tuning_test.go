package worker

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/workflow"
)

type mailerImpl struct{}

func (mailerImpl) Send(context.Context, string) (string, error) { return "sent", nil }

type greeter interface {
	Greet(ctx workflow.Context, name string) (string, error)
}

type greeterImpl struct{}

func (greeterImpl) Greet(_ workflow.Context, name string) (string, error) { return name, nil }

func sendBatch(_ context.Context, items []BatchItem[string]) []BatchResult[string] {
	return make([]BatchResult[string], len(items))
}

// Config.Services and Config.Workflows tune components by name, after the
// options of the code; names never registered fail Run.
func TestTuningByName(t *testing.T) {
	for _, tc := range []struct {
		name      string
		services  map[string][]ServiceOption
		workflows map[string][]WorkflowOption
		wantAdd   string // error of AddService/AddWorkflow
		wantRun   string // error of Run
	}{
		{name: "valid", services: map[string][]ServiceOption{"mailer": {WithConcurrency(2), WithBatchSize("Send", 5, time.Second)}},
			workflows: map[string][]WorkflowOption{"greeter": {WithCacheSize(0), WithRetention(time.Hour)}}},
		{name: "invalid value wins over the code", services: map[string][]ServiceOption{"mailer": {WithConcurrency(0)}},
			wantAdd: "concurrency must be at least 1"},
		{name: "invalid workflow value", workflows: map[string][]WorkflowOption{"greeter": {WithFetchSize(0)}},
			wantAdd: "fetch size"},
		{name: "batch size of a method without WithBatch", services: map[string][]ServiceOption{"mailer": {WithBatchSize("Nope", 5, time.Second)}},
			wantAdd: `WithBatchSize("Nope")`},
		{name: "unknown service", services: map[string][]ServiceOption{"mailr": {WithConcurrency(2)}},
			wantRun: `tunes "mailr", but no service of that name`},
		{name: "unknown workflow", workflows: map[string][]WorkflowOption{"gretter": {WithCacheSize(2)}},
			wantRun: `tunes "gretter", but no workflow of that name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := memory.New()
			defer tr.Close()
			w, err := New(Config{Transport: tr, Store: memstore.New(), Services: tc.services, Workflows: tc.workflows})
			if err != nil {
				t.Fatal(err)
			}
			err = AddService[mailer](w, mailerImpl{}, WithRetry(infinitic.NoRetry), WithBatch(mailer.Send, 10, time.Second, sendBatch))
			if err == nil {
				err = AddWorkflow(w, func() greeter { return greeterImpl{} })
			}
			if !matches(err, tc.wantAdd) {
				t.Fatalf("Add: got %v, want %q", err, tc.wantAdd)
			}
			if err != nil {
				return
			}
			ctx, cancel := context.WithCancel(context.Background())
			if tc.wantRun == "" {
				cancel() // a clean start and stop
			}
			err = w.Run(ctx)
			cancel()
			if !matches(err, tc.wantRun) {
				t.Fatalf("Run: got %v, want %q", err, tc.wantRun)
			}
		})
	}
}

func matches(err error, want string) bool {
	if want == "" {
		return err == nil
	}
	return err != nil && strings.Contains(err.Error(), want)
}
