package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"runtime/debug"
	"sync"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/interceptor"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// ServiceConfig configures a task executor.
type ServiceConfig struct {
	Contract    *Contract
	Impl        reflect.Value // bound with Contract.Bind
	Concurrency int           // tasks run in parallel
	Retry       infinitic.RetryPolicy
	Timeout     time.Duration // per attempt; 0: none
	Grace       time.Duration // extra time a timed-out task gets to return
	// Delegated methods (by wire name) do not complete when they return:
	// an external system completes them later through the client.
	Delegated map[string]bool
	// Batches are the methods (by wire name) run in batches.
	Batches map[string]BatchConfig
	// Events makes the executor publish task events (wire/events.go).
	Events bool
}

// Executor runs the tasks of one service.
type Executor struct {
	Env
	cfg      ServiceConfig
	logger   *slog.Logger
	pub      *publisher
	batchers map[string]*batcher // by wire method name
	cancels  *taskCanceler
}

// NewExecutor returns an executor; Run starts it.
func NewExecutor(env Env, cfg ServiceConfig) *Executor {
	cfg.Concurrency = max(cfg.Concurrency, 1)
	x := &Executor{Env: env, cfg: cfg, logger: env.Logger.With("service", cfg.Contract.Name), pub: newPublisher(env.Transport),
		batchers: map[string]*batcher{}, cancels: newTaskCanceler()}
	for method, b := range cfg.Batches {
		x.batchers[method] = newBatcher(x, b)
	}
	return x
}

// Run consumes tasks until ctx is done, then waits for running tasks.
func (x *Executor) Run(ctx context.Context) error {
	c, err := consume(ctx, x.Transport, wire.ServiceSubject(x.cfg.Contract.Name), wire.ExecutorGroup, x.logger)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped before it started: a clean shutdown
		}
		return fmt.Errorf("service executor %s: %w", x.cfg.Contract.Name, err)
	}
	defer c.Close()
	go x.consumeCancels(ctx)
	// Long-lived workers rather than a goroutine per task: their stacks
	// have grown once (CBOR, reflection), so tasks do not pay for stack
	// copies again and again. The unbuffered channel is the concurrency
	// bound: the loop waits while every worker is busy.
	runCtx := context.WithoutCancel(ctx)
	tasks := make(chan item)
	var wg sync.WaitGroup
	for range x.cfg.Concurrency {
		wg.Go(func() {
			for it := range tasks {
				it.started = x.started(runCtx, it)
				x.runTask(runCtx, it)
			}
		})
	}
	batch := max(x.cfg.Concurrency, x.maxBatch())
	consumeLoop(ctx, c, batch, x.logger, func(ds []transport.Delivery) {
		for _, d := range ds {
			env, ok := x.decode(d)
			if !ok {
				continue
			}
			it := item{d: d, env: env}
			if b, batched := x.batchers[env.Execute.Method]; batched {
				b.add(runCtx, it) // queued: no worker held while the batch fills
				continue
			}
			tasks <- it
		}
	})
	close(tasks)
	for _, b := range x.batchers {
		b.flushAll(runCtx)
	}
	wg.Wait()
	for _, b := range x.batchers {
		b.wait()
	}
	return nil
}

// decode reads a task message; undecodable ones are dead-lettered.
func (x *Executor) decode(d transport.Delivery) (*wire.Envelope, bool) {
	env, err := wire.DecodeEnvelope(d.Message().Data)
	if err == nil && (env.Kind != wire.KindExecute || env.Execute.Service != x.cfg.Contract.Name) {
		err = fmt.Errorf("unexpected %s message for service %s", env.Kind, x.cfg.Contract.Name)
	}
	if err == nil {
		err = env.CheckLimits()
	}
	if err != nil {
		x.logger.Error("dead-lettering undecodable message", "id", d.Message().ID, "err", err)
		_ = d.DeadLetter(err.Error())
		return nil, false
	}
	return env, true
}

// conclude publishes what follows an attempt's outcome (the result, a
// delayed retry, or the final failure), then acks: a task message is acked
// only once its outcome is durably published. t, if intercepted, is told
// of a retry, and gives the outcome's headers.
func (x *Executor) conclude(ctx context.Context, it item, out []byte, runErr error, t *interceptor.Task) {
	d, ex := it.d, it.env.Execute
	if x.cancels.isCanceled(ex.TaskID) {
		x.flushStarted(ctx, it)
		_ = d.Ack() // canceled: nobody waits for its outcome, no retry
		return
	}
	if runErr == nil {
		// Running it again would give a result as large.
		runErr = infinitic.NonRetryable(wire.CheckPayload(fmt.Sprintf("result of task %s.%s", ex.Service, ex.Method), out))
	}
	var msg wire.Outgoing
	var events []wire.Outgoing
	delay, retry := x.retryDelay(ex, runErr)
	headers := it.env.Headers
	if t != nil {
		t.Retry, t.RetryDelay, headers = retry, delay, t.Headers
	}
	outcome := func(out []byte, err *wire.Error) wire.Outgoing {
		m := wire.OutcomeMessage(ex, d.Message().ID, out, err)
		m.Envelope.Headers = headers
		return outgoing(m)
	}
	switch {
	case runErr == nil && x.cfg.Delegated[ex.Method]:
		x.flushStarted(ctx, it)
		_ = d.Ack() // the external system will complete it
		return
	case runErr == nil:
		msg = outcome(out, nil)
		events = x.outcomeEvents(it, wire.EventTaskCompleted, out, nil, 0)
	case retry:
		x.logger.Warn("task attempt failed, will retry", "task", ex.TaskID, "method", ex.Method, "attempt", ex.Attempt, "in", delay, "err", runErr)
		next := *ex
		next.Attempt++
		next.Previous = append(append([]*wire.Error(nil), ex.Previous...), wire.FromError(runErr))
		m := wire.ExecuteMessage(&next, x.Clock.Now().Add(delay))
		m.Envelope.Headers, m.Envelope.SentAt = it.env.Headers, m.DeliverAt // due then
		msg = outgoing(m)
		events = x.outcomeEvents(it, wire.EventTaskRetryScheduled, nil, runErr, max(delay, time.Millisecond))
	default:
		failure := &infinitic.TaskFailedError{Service: ex.Service, Method: ex.Method, TaskID: ex.TaskID, Attempt: ex.Attempt, Cause: runErr}
		for _, prev := range ex.Previous {
			failure.Previous = append(failure.Previous, wire.ToError(prev))
		}
		x.logger.Error("task failed", "task", ex.TaskID, "method", ex.Method, "attempts", ex.Attempt, "err", runErr)
		msg = outcome(nil, wire.FromError(failure))
		events = x.outcomeEvents(it, wire.EventTaskFailed, nil, failure, 0)
	}
	err := x.pub.publish(ctx, append(events, msg)...)
	if errors.Is(err, transport.ErrInvalidMessage) && (runErr == nil || retry) {
		// The transport refuses the outcome (too large for the broker):
		// running the task again would not help. Fail it.
		limit := &infinitic.LimitError{Limit: "MaxMessageSize", What: fmt.Sprintf("outcome of task %s.%s", ex.Service, ex.Method), Size: len(msg.Data)}
		failure := &infinitic.TaskFailedError{Service: ex.Service, Method: ex.Method, TaskID: ex.TaskID, Attempt: ex.Attempt, Cause: fmt.Errorf("%w: %w", limit, err)}
		msg = outcome(nil, wire.FromError(failure))
		// The started event goes again if it went with the refused outcome.
		err = x.pub.publish(ctx, append(x.outcomeEvents(it, wire.EventTaskFailed, nil, failure, 0), msg)...)
	}
	switch {
	case errors.Is(err, transport.ErrInvalidMessage):
		x.logger.Error("dead-lettering task: its outcome cannot be published", "task", ex.TaskID, "err", err)
		_ = d.DeadLetter(fmt.Sprintf("the outcome of task %s cannot be published: %v", ex.TaskID, err))
	case err != nil:
		x.logger.Error("cannot publish task outcome, will run again", "task", ex.TaskID, "err", err)
		_ = d.Retry(retryDelay(d.Attempt()))
	default:
		_ = d.Ack()
	}
}

// run invokes the method with the attempt's timeout. A timed-out attempt
// is a failed attempt, whatever the method returns late; one that ignores
// its context gets Grace more time (holding its slot), then is abandoned.
func (x *Executor) run(ctx context.Context, ex *wire.Execute, delivery int) ([]byte, error) {
	m, err := x.cfg.Contract.Method(ex.Method)
	if err != nil {
		return nil, infinitic.NonRetryable(err)
	}
	ctx = infinitic.WithTask(ctx, infinitic.TaskInfo{ID: ex.TaskID, Service: ex.Service, Method: ex.Method, Attempt: ex.Attempt,
		Delivery: delivery, Generation: ex.Generation, WorkflowID: ex.Parent.WorkflowID, Workflow: ex.Parent.Workflow, Meta: ex.Meta})
	// A cancel of the task (its workflow was canceled) cancels ctx.
	ctx, release := x.cancels.start(ctx, ex.TaskID)
	defer release()
	if x.cfg.Timeout <= 0 {
		// Nothing to abandon: run on this goroutine (no extra goroutine,
		// channel and select per task).
		return x.invoke(ctx, m, ex)
	}
	ctx, cancel := context.WithTimeout(ctx, x.cfg.Timeout)
	defer cancel()
	type result struct {
		out  []byte
		err  error
		late bool // returned after the timeout
	}
	done := make(chan result, 1)
	go func() {
		out, err := x.invoke(ctx, m, ex)
		done <- result{out, err, ctx.Err() == context.DeadlineExceeded}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		select {
		case r = <-done:
		case <-time.After(x.cfg.Grace):
			r = result{late: ctx.Err() == context.DeadlineExceeded, err: errors.New("abandoned: still running after the grace period")}
		}
	}
	if r.late {
		return nil, x.timeoutError(ex, r.err)
	}
	return r.out, r.err
}

// timeoutError is the failure of an attempt that exceeded the timeout;
// cause is what the method returned late, if an error.
func (x *Executor) timeoutError(ex *wire.Execute, cause error) error {
	what := fmt.Sprintf("%s.%s attempt %d exceeded %v", ex.Service, ex.Method, ex.Attempt, x.cfg.Timeout)
	if cause != nil {
		what += ": " + cause.Error()
	}
	return &infinitic.TimeoutError{What: what}
}

// invoke calls the method, turning a panic into a PanicError.
func (x *Executor) invoke(ctx context.Context, m *Method, ex *wire.Execute) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, &infinitic.PanicError{Value: fmt.Sprint(r), Stack: string(debug.Stack())}
		}
	}()
	return m.Invoke(x.cfg.Impl, ctx, ex.Input, x.Codec)
}

// retryDelay asks the implementation (RetryDecider) or the policy. A
// RetryDecider that panics means no retry: the worker must not crash.
func (x *Executor) retryDelay(ex *wire.Execute, err error) (delay time.Duration, retry bool) {
	if err == nil || infinitic.IsNonRetryable(err) {
		return 0, false
	}
	if dec, ok := x.cfg.Impl.Interface().(infinitic.RetryDecider); ok {
		defer func() {
			if r := recover(); r != nil {
				x.logger.Error("RetryDecider panicked: the task fails without retry", "task", ex.TaskID, "panic", r)
				delay, retry = 0, false
			}
		}()
		return dec.RetryDelay(ex.Method, ex.Attempt, err)
	}
	return x.cfg.Retry.Delay(ex.Attempt, err)
}
