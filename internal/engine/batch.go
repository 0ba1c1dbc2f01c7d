package engine

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/infinitic-go/infinitic"
)

// BatchCall is one task call in a batch.
type BatchCall struct {
	TaskID string
	Key    string // batch key: calls of one batch share it
	Input  []byte
}

// BatchOutcome is the outcome of one call of a batch.
type BatchOutcome struct {
	Output []byte
	Err    error
}

// BatchConfig makes a method run in batches.
type BatchConfig struct {
	MaxMessages int           // a batch runs once it has this many calls
	MaxWait     time.Duration // or when its first call waited this long
	// Run runs a batch; it returns one outcome per call, in order.
	Run func(ctx context.Context, calls []BatchCall) []BatchOutcome
}

// batcher gathers the calls of one method into batches by batch key.
type batcher struct {
	x       *Executor
	cfg     BatchConfig
	mu      sync.Mutex
	pending map[string]*pendingBatch // by batch key
	running sync.WaitGroup
}

type pendingBatch struct {
	items []item
	timer *time.Timer
}

func newBatcher(x *Executor, cfg BatchConfig) *batcher {
	return &batcher{x: x, cfg: cfg, pending: map[string]*pendingBatch{}}
}

func (x *Executor) maxBatch() int {
	n := 0
	for _, b := range x.batchers {
		n = max(n, b.cfg.MaxMessages)
	}
	return n
}

// add queues a call; a full batch runs at once, others after MaxWait.
func (b *batcher) add(ctx context.Context, it item) {
	key := it.env.Execute.BatchKey
	b.mu.Lock()
	pb, ok := b.pending[key]
	if !ok {
		pb = &pendingBatch{}
		b.pending[key] = pb
		pb.timer = time.AfterFunc(b.cfg.MaxWait, func() { b.flush(ctx, key, pb) })
	}
	pb.items = append(pb.items, it)
	full := len(pb.items) >= b.cfg.MaxMessages
	b.mu.Unlock()
	if full {
		b.flush(ctx, key, pb)
	}
}

// flush runs pb unless it already ran.
func (b *batcher) flush(ctx context.Context, key string, pb *pendingBatch) {
	b.mu.Lock()
	if b.pending[key] != pb {
		b.mu.Unlock()
		return
	}
	delete(b.pending, key)
	pb.timer.Stop()
	b.running.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.running.Done()
		b.run(ctx, pb.items)
	}()
}

// flushAll runs every pending batch now (shutdown).
func (b *batcher) flushAll(ctx context.Context) {
	b.mu.Lock()
	pending := b.pending
	b.mu.Unlock()
	for key, pb := range pending {
		b.flush(ctx, key, pb)
	}
}

func (b *batcher) wait() { b.running.Wait() }

// run calls the batch function and concludes each call on its own.
func (b *batcher) run(ctx context.Context, items []item) {
	calls := make([]BatchCall, len(items))
	for i := range items {
		defer keepAlive(items[i].d)() // until concluded, below
		items[i].started = b.x.started(ctx, items[i])
	}
	for i, it := range items {
		ex := it.env.Execute
		calls[i] = BatchCall{TaskID: ex.TaskID, Key: ex.BatchKey, Input: ex.Input}
	}
	if t := b.x.cfg.Timeout; t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	outcomes := b.call(ctx, calls)
	late := ctx.Err() == context.DeadlineExceeded // a timed-out batch fails, whatever it returned
	for i, it := range items {
		out, err := outcomes[i].Output, outcomes[i].Err
		if late {
			out, err = nil, b.x.timeoutError(it.env.Execute, err)
		}
		b.x.conclude(ctx, it, out, err, nil)
	}
}

// call runs the batch function, turning a panic or a wrong number of
// outcomes into a failure of every call.
func (b *batcher) call(ctx context.Context, calls []BatchCall) (outcomes []BatchOutcome) {
	fail := func(err error) []BatchOutcome {
		out := make([]BatchOutcome, len(calls))
		for i := range out {
			out[i].Err = err
		}
		return out
	}
	defer func() {
		if r := recover(); r != nil {
			outcomes = fail(&infinitic.PanicError{Value: fmt.Sprint(r), Stack: string(debug.Stack())})
		}
	}()
	outcomes = b.cfg.Run(ctx, calls)
	if len(outcomes) != len(calls) {
		return fail(infinitic.NonRetryable(fmt.Errorf("batch function returned %d outcomes for %d calls", len(outcomes), len(calls))))
	}
	return outcomes
}
