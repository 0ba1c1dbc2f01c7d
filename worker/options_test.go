package worker

import (
	"context"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
)

type mailer interface {
	Send(ctx context.Context, to string) (string, error)
}

func TestServiceOptionsValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []ServiceOption
		ok   bool
	}{
		{"defaults", nil, true},
		{"shared concurrency", []ServiceOption{WithConcurrency(4)}, true},
		{"zero concurrency", []ServiceOption{WithConcurrency(0)}, false},
		{"negative timeout", []ServiceOption{WithTimeout(-time.Second)}, false},
		{"negative grace", []ServiceOption{WithGrace(-time.Second)}, false},
		{"bad retry policy", []ServiceOption{WithRetry(infinitic.RetryPolicy{RandomFactor: 2})}, false},
		{"bad batch", []ServiceOption{WithBatch(mailer.Send, 0, time.Second, nil)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := buildServiceOptions(tc.opts); (err == nil) != tc.ok {
				t.Fatalf("got %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestWorkflowOptionsValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []WorkflowOption
		ok   bool
	}{
		{"defaults", nil, true},
		{"shared concurrency", []WorkflowOption{WithConcurrency(4)}, true},
		{"no cache", []WorkflowOption{WithCacheSize(0)}, true},
		{"zero concurrency", []WorkflowOption{WithConcurrency(0)}, false},
		{"zero fetch size", []WorkflowOption{WithFetchSize(0)}, false},
		{"negative cache", []WorkflowOption{WithCacheSize(-1)}, false},
		{"negative retention", []WorkflowOption{WithRetention(-time.Second)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := buildWorkflowOptions(tc.opts); (err == nil) != tc.ok {
				t.Fatalf("got %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
