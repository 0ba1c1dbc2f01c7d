package worker

import (
	"context"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/engine"
	"github.com/infinitic-go/infinitic/internal/naming"
)

// BatchItem is one call of a batched method.
type BatchItem[I any] struct {
	TaskID string // stable across attempts: an idempotency key
	Key    string // the batch key the caller gave (workflow.WithBatchKey)
	Input  I
}

// BatchResult is the outcome of one call: its output, or its error
// (retried like any task error, per the service's retry policy).
type BatchResult[O any] struct {
	Output O
	Err    error
}

// batchSpec is a WithBatch option waiting for the worker's codec.
type batchSpec struct {
	method any
	build  func(codec infinitic.Codec) engine.BatchConfig
}

// WithBatch makes the service method (a method expression such as
// Emails.Send) run in batches (Infinitic's @Batch): calls are gathered
// until maxMessages of them are waiting or the first waited maxWait, then
// run handles them at once and returns one result per item, in order. Only
// calls with the same batch key (workflow.WithBatchKey; none by default)
// share a batch. Workflows call the method as usual; each call gets its
// own result or error. The service's implementation of the method itself
// is not used.
func WithBatch[S, I, O any](method func(S, context.Context, I) (O, error), maxMessages int, maxWait time.Duration,
	run func(ctx context.Context, items []BatchItem[I]) []BatchResult[O]) ServiceOption {
	build := func(codec infinitic.Codec) engine.BatchConfig {
		return engine.BatchConfig{MaxMessages: maxMessages, MaxWait: maxWait, Run: func(ctx context.Context, calls []engine.BatchCall) []engine.BatchOutcome {
			return runBatch(ctx, codec, calls, run)
		}}
	}
	return serviceOption(func(o *serviceOptions) {
		o.batches = append(o.batches, batchSpec{method: method, build: build})
		if maxMessages < 1 || maxWait <= 0 || run == nil {
			o.invalid = fmt.Errorf("worker: WithBatch needs maxMessages ≥ 1, maxWait > 0 and a function, got %d, %v", maxMessages, maxWait)
		}
	})
}

// runBatch decodes the calls, runs the user's batch function and encodes
// its results. A call whose input cannot be decoded fails on its own.
func runBatch[I, O any](ctx context.Context, codec infinitic.Codec, calls []engine.BatchCall,
	run func(context.Context, []BatchItem[I]) []BatchResult[O]) []engine.BatchOutcome {
	out := make([]engine.BatchOutcome, len(calls))
	var items []BatchItem[I]
	var index []int // position in calls of each item
	for i, c := range calls {
		var in I
		if err := codec.Unmarshal(c.Input, &in); err != nil {
			out[i].Err = infinitic.NonRetryable(fmt.Errorf("%w: batch call %s: %w", infinitic.ErrDecode, c.TaskID, err))
			continue
		}
		items = append(items, BatchItem[I]{TaskID: c.TaskID, Key: c.Key, Input: in})
		index = append(index, i)
	}
	if len(items) == 0 {
		return out
	}
	results := run(ctx, items)
	if len(results) != len(items) {
		err := infinitic.NonRetryable(fmt.Errorf("batch function returned %d results for %d items", len(results), len(items)))
		for _, i := range index {
			out[i].Err = err
		}
		return out
	}
	for k, r := range results {
		i := index[k]
		if r.Err != nil {
			out[i].Err = r.Err
			continue
		}
		if out[i].Output, out[i].Err = codec.Marshal(r.Output); out[i].Err != nil {
			out[i].Err = infinitic.NonRetryable(fmt.Errorf("encode batch result of %s: %w", calls[i].TaskID, out[i].Err))
		}
	}
	return out
}

// WithBatchSize changes the batch sizes of a method made a batch method
// with WithBatch, named by its wire name (its Go name unless aliased), for
// sizes kept out of the code (a config file). AddService fails if the
// method has no WithBatch.
func WithBatchSize(method string, maxMessages int, maxWait time.Duration) ServiceOption {
	return serviceOption(func(o *serviceOptions) {
		if o.batchSizes == nil {
			o.batchSizes = map[string]batchSize{}
		}
		o.batchSizes[method] = batchSize{maxMessages, maxWait}
		if maxMessages < 1 || maxWait <= 0 {
			o.invalid = fmt.Errorf("worker: WithBatchSize(%q) needs maxMessages ≥ 1 and maxWait > 0, got %d, %v", method, maxMessages, maxWait)
		}
	})
}

// batchSize is a WithBatchSize option.
type batchSize struct {
	maxMessages int
	maxWait     time.Duration
}

// batchConfigs resolves the WithBatch and WithBatchSize options of a
// service.
func (w *Worker) batchConfigs(contract *engine.Contract, specs []batchSpec, sizes map[string]batchSize) (map[string]engine.BatchConfig, error) {
	batches := map[string]engine.BatchConfig{}
	for _, b := range specs {
		parsed, err := naming.Parse(b.method)
		if err != nil || parsed.Contract != contract.Type {
			return nil, fmt.Errorf("worker: service %s: %w: WithBatch(%T) is not a method expression of %s", contract.Name, infinitic.ErrInvalidContract, b.method, contract.Type)
		}
		batches[w.names.Method(parsed)] = b.build(w.cfg.Codec)
	}
	for method, size := range sizes {
		b, ok := batches[method]
		if !ok {
			return nil, fmt.Errorf("worker: service %s: WithBatchSize(%q): no method of that name has WithBatch", contract.Name, method)
		}
		b.MaxMessages, b.MaxWait = size.maxMessages, size.maxWait
		batches[method] = b
	}
	return batches, nil
}
