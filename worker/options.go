package worker

import (
	"errors"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/engine"
)

// ServiceOption tunes a service registered with AddService.
type ServiceOption interface {
	applyToService(*serviceOptions)
}

// WorkflowOption tunes a workflow registered with AddWorkflow.
type WorkflowOption interface {
	applyToWorkflow(*workflowOptions)
}

// Option tunes a service or a workflow: it is both a ServiceOption and a
// WorkflowOption.
type Option interface {
	ServiceOption
	WorkflowOption
}

type serviceOptions struct {
	concurrency int
	retry       infinitic.RetryPolicy
	timeout     time.Duration
	grace       time.Duration
	delegated   []any
	batches     []batchSpec
	batchSizes  map[string]batchSize // by method wire name
	invalid     error                // set by an option given bad values
}

type workflowOptions struct {
	concurrency int
	fetchSize   int
	cacheSize   int
	version     int
	retention   time.Duration
	earlyLife   time.Duration
	historyWarn int
	historyMax  int
}

type serviceOption func(*serviceOptions)

func (f serviceOption) applyToService(o *serviceOptions) { f(o) }

type workflowOption func(*workflowOptions)

func (f workflowOption) applyToWorkflow(o *workflowOptions) { f(o) }

type concurrency int

func (n concurrency) applyToService(o *serviceOptions)   { o.concurrency = int(n) }
func (n concurrency) applyToWorkflow(o *workflowOptions) { o.concurrency = int(n) }

// WithConcurrency sets how many tasks (services) or instances (workflows)
// are processed in parallel. Default 16. A workflow instance whose step is
// slow (a long Inline) holds one of them and delays no other instance.
func WithConcurrency(n int) Option { return concurrency(n) }

// WithRetry sets the retry policy of a service (MaxRetries as written: 0
// means no retry). Default: infinitic.DefaultRetryPolicy. A service implementing
// infinitic.RetryDecider decides per error instead.
func WithRetry(p infinitic.RetryPolicy) ServiceOption {
	return serviceOption(func(o *serviceOptions) { o.retry = p })
}

// WithTimeout bounds each task attempt of a service: the method's context
// is canceled when it elapses, and the attempt has failed with an
// infinitic.ErrTimeout, whatever the method returns afterwards (a late
// result is dropped); it is retried per the retry policy. For batch
// methods it bounds each batch. Default: none.
func WithTimeout(d time.Duration) ServiceOption {
	return serviceOption(func(o *serviceOptions) { o.timeout = d })
}

// WithGrace is how long a timed-out task may keep its concurrency slot to
// return after its context is canceled, before it is abandoned; either way
// the attempt has failed. Default: 1s.
func WithGrace(d time.Duration) ServiceOption {
	return serviceOption(func(o *serviceOptions) { o.grace = d })
}

// WithDelegated marks service methods (method expressions such as
// Payments.Charge) as delegated: when such a method returns without error,
// the task is not completed; an external system completes it later with
// client.CompleteDelegatedTask, using the task id from
// infinitic.TaskFrom(ctx). Errors are retried as usual.
func WithDelegated(methods ...any) ServiceOption {
	return serviceOption(func(o *serviceOptions) { o.delegated = append(o.delegated, methods...) })
}

// WithFetchSize sets how many messages a workflow engine fetches and
// applies at once (one state write per instance per fetch). Default 128.
func WithFetchSize(n int) WorkflowOption {
	return workflowOption(func(o *workflowOptions) { o.fetchSize = n })
}

// WithCacheSize sets how many running instances a workflow engine keeps
// live in memory (avoiding history replays). Default 8192; 0 replays each
// instance from its history at every step.
func WithCacheSize(n int) WorkflowOption {
	return workflowOption(func(o *workflowOptions) { o.cacheSize = n })
}

// WithRetention sets how long the outcome of a finished workflow instance
// is kept (for late Await calls and inspection) before it is deleted from
// the store. Default 0: kept forever. The history of an instance is always
// deleted when it completes; a failed instance's outcome is also subject
// to retention.
func WithRetention(d time.Duration) WorkflowOption {
	return workflowOption(func(o *workflowOptions) { o.retention = d })
}

// WithEarlyMessageLife sets how long a workflow engine keeps the messages
// (channel values, cancels, method runs) sent to an instance that has not
// started: its start may still be on its way, as the transport does not
// order messages. If the instance has not started when it elapses, the
// messages are dropped and their senders (client.Send, Run.Cancel...) get
// infinitic.ErrInstanceNotFound. Default 1 minute.
func WithEarlyMessageLife(d time.Duration) WorkflowOption {
	return workflowOption(func(o *workflowOptions) { o.earlyLife = d })
}

// WithHistoryLimits sets how long an instance's history may grow, in
// records (each command of its code and each event: outcome, signal,
// start): at warn the engine logs a warning (once), at limit it fails the
// instance with a *infinitic.LimitError (Limit "MaxHistory", matching
// infinitic.ErrLimitExceeded). Defaults: 10,000 and 50,000. A long history
// costs memory and a replay after each cache eviction or restart: a
// long-lived workflow (an entity that runs for months, a polling loop)
// should call workflow.ContinueAsNew from time to time, which starts it
// again with an empty history. A failed instance keeps its history:
// raise the limit and RetryWorkflowTask to resume it.
func WithHistoryLimits(warn, limit int) WorkflowOption {
	return workflowOption(func(o *workflowOptions) { o.historyWarn, o.historyMax = warn, limit })
}

// WithVersion registers a workflow implementation as version v (default
// 0). Register several versions of one workflow, each with AddWorkflow:
// new instances start on the highest version, running instances keep the
// version they started with, so changing workflow code never breaks them.
// Options other than WithVersion are taken from the first registration.
func WithVersion(v int) WorkflowOption {
	return workflowOption(func(o *workflowOptions) { o.version = v })
}

func buildServiceOptions(opts []ServiceOption) (serviceOptions, error) {
	o := serviceOptions{concurrency: 16, grace: time.Second, retry: infinitic.DefaultRetryPolicy}
	for _, opt := range opts {
		opt.applyToService(&o)
	}
	switch {
	case o.invalid != nil:
		return o, o.invalid
	case o.concurrency < 1:
		return o, fmt.Errorf("worker: concurrency must be at least 1, got %d", o.concurrency)
	case o.timeout < 0 || o.grace < 0:
		return o, errors.New("worker: timeouts must not be negative")
	}
	return o, o.retry.Validate()
}

func buildWorkflowOptions(opts []WorkflowOption) (workflowOptions, error) {
	o := workflowOptions{concurrency: 16, fetchSize: 128, cacheSize: 8192, earlyLife: engine.DefaultEarlyMessageLife,
		historyWarn: engine.DefaultHistoryWarn, historyMax: engine.DefaultHistoryLimit}
	for _, opt := range opts {
		opt.applyToWorkflow(&o)
	}
	switch {
	case o.concurrency < 1:
		return o, fmt.Errorf("worker: concurrency must be at least 1, got %d", o.concurrency)
	case o.fetchSize < 1:
		return o, fmt.Errorf("worker: fetch size must be at least 1, got %d", o.fetchSize)
	case o.cacheSize < 0:
		return o, fmt.Errorf("worker: cache size must not be negative, got %d", o.cacheSize)
	case o.retention < 0:
		return o, errors.New("worker: retention must not be negative")
	case o.earlyLife <= 0:
		return o, fmt.Errorf("worker: early message life must be positive, got %v", o.earlyLife)
	case o.historyWarn < 1 || o.historyMax < o.historyWarn:
		return o, fmt.Errorf("worker: history limits must be 1 <= warn <= limit, got %d and %d", o.historyWarn, o.historyMax)
	}
	return o, nil
}
