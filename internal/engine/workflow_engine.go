package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/clock"
	"github.com/infinitic-go/infinitic/interceptor"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
)

// Env is what engines and executors share.
type Env struct {
	Transport transport.Transport
	Store     store.Store
	Codec     infinitic.Codec
	Names     *naming.Table
	Clock     clock.Clock
	Logger    *slog.Logger
	// Interceptors run around task attempts and workflow steps (the first
	// is the outermost).
	Interceptors []interceptor.Interceptor
}

// WorkflowConfig configures a workflow engine.
type WorkflowConfig struct {
	Contract *Contract
	// Versions returns a fresh implementation of each registered version.
	// New instances start on the highest; running ones keep theirs.
	Versions    map[int]func() any
	Concurrency int // instances processed in parallel
	BatchSize   int // messages fetched at once
	CacheSize   int // live instances kept in memory
	// Retention is how long a finished instance's outcome is kept before
	// it is deleted; 0 keeps it forever.
	Retention time.Duration
	// Events makes the engine publish the instances' lifecycle events
	// (wire/events.go).
	Events bool
	// EarlyMessageLife is how long messages for an instance that has not
	// started are kept (default DefaultEarlyMessageLife).
	EarlyMessageLife time.Duration
	// HistoryWarn and HistoryLimit are the history lengths (records) at
	// which an instance is warned about once, and failed (0: never).
	HistoryWarn, HistoryLimit int
}

// WorkflowEngine consumes a workflow's messages and runs its instances.
type WorkflowEngine struct {
	Env
	cfg      WorkflowConfig
	contract *Contract
	logger   *slog.Logger
	cache    *cache
	stale    *staleDeleter // set by Run
}

// ErrUnknownVersion is returned when an instance runs a version of its
// workflow that this worker does not have: its messages are retried (a
// worker that has it may take them) and the error is logged.
var ErrUnknownVersion = errors.New("engine: workflow version not registered")

// Newest is the version new instances start on.
func (c WorkflowConfig) Newest() int { return slices.Max(slices.Collect(maps.Keys(c.Versions))) }

// NewWorkflowEngine returns an engine; Run starts it.
func NewWorkflowEngine(env Env, cfg WorkflowConfig) *WorkflowEngine {
	cfg.Concurrency = max(cfg.Concurrency, 1)
	cfg.BatchSize = max(cfg.BatchSize, 1)
	if cfg.EarlyMessageLife <= 0 {
		cfg.EarlyMessageLife = DefaultEarlyMessageLife
	}
	return &WorkflowEngine{
		Env: env, cfg: cfg, contract: cfg.Contract,
		logger: env.Logger.With("workflow", cfg.Contract.Name),
		cache:  newCache(cfg.CacheSize),
	}
}

// Run consumes until ctx is done. In-flight batches finish first.
func (e *WorkflowEngine) Run(ctx context.Context) error {
	// Clients' requests and workers' messages come on two subjects, so
	// that a broker can let clients publish on the first only.
	public, err := consume(ctx, e.Transport, wire.WorkflowSubject(e.contract.Name), wire.EngineGroup, e.logger)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped before it started: a clean shutdown
		}
		return fmt.Errorf("workflow engine %s: %w", e.contract.Name, err)
	}
	defer public.Close()
	internal, err := consume(ctx, e.Transport, wire.WorkflowInternalSubject(e.contract.Name), wire.EngineGroup, e.logger)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("workflow engine %s: %w", e.contract.Name, err)
	}
	defer internal.Close()
	defer e.cache.clear()
	e.stale = newStaleDeleter(context.WithoutCancel(ctx), e, e.cfg.Concurrency)
	defer e.stale.wait()
	// Fetch while earlier messages are applied and committed, so that both
	// cores have work and a slow instance delays no other (scheduler).
	s := newScheduler(context.WithoutCancel(ctx), e, e.cfg.Concurrency, 2*e.cfg.BatchSize)
	var adding sync.Mutex // the scheduler takes one batch at a time
	var loops sync.WaitGroup
	for _, c := range []struct {
		consumer transport.Consumer
		public   bool
	}{{public, true}, {internal, false}} {
		loops.Go(func() {
			consumeLoop(ctx, c.consumer, e.cfg.BatchSize, e.logger, func(ds []transport.Delivery) {
				adding.Lock()
				defer adding.Unlock()
				s.add(ctx, ds, c.public)
			})
		})
	}
	loops.Wait()
	s.close()
	return nil
}

// consume consumes subject as group, retrying while the transport fails
// (with a warning each time): its consumer may be created when the server
// cannot write (a full disk, a cluster electing a leader), and a worker
// whose engines or executors gave up would leave their messages waiting
// for ever. It fails only when ctx is done or the transport closed.
func consume(ctx context.Context, tr transport.Transport, subject, group string, logger *slog.Logger) (transport.Consumer, error) {
	backoff := 50 * time.Millisecond
	for {
		c, err := tr.Consume(ctx, subject, group)
		if err == nil || ctx.Err() != nil || errors.Is(err, transport.ErrClosed) {
			return c, err
		}
		logger.Warn("consume failed, retrying", "subject", subject, "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// group decodes fetched messages and groups them by instance, in order of
// first message; undecodable messages, and messages that only workers may
// send fetched from the public subject (forged), are dead-lettered.
func (e *WorkflowEngine) group(ds []transport.Delivery, public bool) (map[string][]item, []string) {
	groups, order := make(map[string][]item, len(ds)), make([]string, 0, len(ds))
	for _, d := range ds {
		env, err := wire.DecodeEnvelope(d.Message().Data)
		if err == nil && env.Workflow != e.contract.Name {
			err = fmt.Errorf("envelope for workflow %q reached %q", env.Workflow, e.contract.Name)
		}
		if err == nil && public && !wire.ClientMayPublish(env) {
			err = fmt.Errorf("%s envelope on %s, where only clients' requests are accepted (workers send it on %s)",
				env.Kind, wire.WorkflowSubject(e.contract.Name), wire.WorkflowInternalSubject(e.contract.Name))
		}
		if err == nil {
			err = env.CheckLimits()
		}
		if err != nil {
			e.logger.Error("dead-lettering undecodable message", "id", d.Message().ID, "err", err)
			_ = d.DeadLetter(err.Error())
			continue
		}
		if _, ok := groups[env.WorkflowID]; !ok {
			order = append(order, env.WorkflowID)
		}
		groups[env.WorkflowID] = append(groups[env.WorkflowID], item{d: d, env: env})
	}
	return groups, order
}

// commit publishes the outgoing messages of applied jobs in one call, then
// settles their deliveries: a message is acked only once what it caused
// is durably published (its state was saved by process).
func (e *WorkflowEngine) commit(ctx context.Context, rs []applied) {
	var out, apart []wire.Outgoing
	for _, r := range rs {
		if r.res.reloaded {
			apart = append(apart, r.res.out...)
		} else {
			out = append(out, r.res.out...)
		}
	}
	pubErr := publishMerged(ctx, e.Transport, out, apart)
	e.stale.add(rs) // the states are saved, published or not
	errs := make([]error, len(rs))
	for i, r := range rs {
		errs[i] = r.res.err
		if pubErr != nil && (errs[i] == nil || len(r.res.out) > 0) {
			errs[i] = pubErr
			if errors.Is(pubErr, transport.ErrInvalidMessage) {
				// Find out whose messages the transport refuses: those
				// go to the dead letters, the others are published.
				if errs[i] = publish(ctx, e.Transport, r.res.out); errs[i] == nil {
					errs[i] = r.res.err
				}
			}
		}
	}
	e.expirePublished(ctx, rs, errs)
	for i, r := range rs {
		err, in := errs[i], r.res.in
		switch {
		case err != nil:
			closeInstance(in) // reloaded next time: its outbox is published again
		case in.state != nil && in.state.Status == wire.StatusRunning:
			e.cache.put(in)
		default:
			closeInstance(in)
		}
		e.settle(r.items, err)
	}
}

// stepResult is what processing an instance's messages gave.
type stepResult struct {
	in  *instance
	out []wire.Outgoing // to publish before acking
	// reloaded: in was read from the store, its outbox (in out) maybe
	// published before, under its own ids (see publishMerged).
	reloaded bool
	stale    []staleEntry // to delete once published (see unindex)
	err      error
}

type item struct {
	d   transport.Delivery
	env *wire.Envelope
	// started is a task attempt's started event (executors only; nil:
	// none).
	started *startedEvent
}

// settle acks a group, or leaves it for redelivery on error.
func (e *WorkflowEngine) settle(items []item, err error) {
	for _, it := range items {
		switch {
		case err == nil:
			_ = it.d.Ack()
		case permanent(err):
			_ = it.d.DeadLetter(err.Error())
		default:
			_ = it.d.Retry(retryDelay(it.d.Attempt()))
		}
	}
	if err != nil {
		e.logger.Error("cannot process workflow messages", "id", items[0].env.WorkflowID, "err", err)
	}
}

func retryDelay(attempt int) time.Duration {
	return min(time.Duration(attempt)*100*time.Millisecond, 5*time.Second)
}

// process applies the messages of one instance: load it (or take it from
// the cache), apply, save with compare-and-set (reloading on conflict).
// It returns the messages to publish; the caller publishes, then caches.
func (e *WorkflowEngine) process(ctx context.Context, id string, items []item) stepResult {
	envs := make([]*wire.Envelope, len(items))
	for i, it := range items {
		envs[i] = it.env
	}
	for attempt := 0; ; attempt++ {
		in, cold := e.cache.take(id)
		cached := in != nil || cold != nil
		loaded := false // from the store, with its outbox
		var out []wire.Outgoing
		switch {
		case in != nil && queriesOnly(items):
			var err error
			if in, err = e.fresh(ctx, in); err != nil {
				return unapplied(items, err)
			}
		case in != nil:
		case cold != nil:
			// Evicted after its outbox was published: no re-publication.
			var err error
			if in, err = e.decode(ctx, id, cold.data, cold.version); err != nil {
				return unapplied(items, err)
			}
			in.indexVersions = cold.indexVersions
		case attempt == 0 && startsOnly(items):
			// Most dispatches start new instances: skip the read and
			// create; if the instance exists, the create conflicts.
			in = &instance{id: id}
		default:
			var err error
			if in, err = e.load(ctx, id); err != nil {
				return unapplied(items, err)
			}
			// A crash may have struck between saving and publishing.
			loaded = true
			if in.state != nil {
				out = append(out, in.state.Outbox...)
			}
			if redelivered(items) {
				if err := e.reindex(ctx, in); err != nil {
					closeInstance(in)
					return unapplied(items, err)
				}
			}
		}
		var res stepResult
		conflict := false
		if len(e.Interceptors) == 0 {
			in.headers = originHeaders(in, envs)
			res, conflict = e.applyAndSave(ctx, in, envs, out, attempt)
		} else {
			e.intercept(ctx, in, envs, cached, func() error {
				res, conflict = e.applyAndSave(ctx, in, envs, out, attempt)
				if conflict {
					return store.ErrConflict
				}
				return res.err
			})
		}
		res.reloaded = loaded
		if !conflict {
			return res
		}
	}
}

// applyAndSave applies envs to in and saves it; conflict tells that
// another engine saved it first (in is closed: reload and apply again).
func (e *WorkflowEngine) applyAndSave(ctx context.Context, in *instance, envs []*wire.Envelope, out []wire.Outgoing, attempt int) (res stepResult, conflict bool) {
	id := in.id
	now := e.Clock.Now()
	envs, err := e.routeSignalsWithStart(ctx, in, envs)
	if err != nil {
		closeInstance(in)
		return stepResult{err: err}, false // a store error: retried
	}
	e.step(in, envs, now)
	if in.retry != nil {
		if err := e.retryFailed(ctx, in, now); err != nil {
			closeInstance(in)
			return stepResult{err: err}, false // a corrupt history: the caller is told
		}
	}
	// A message of the same job (a dispatch, a retry) may have run it
	// meanwhile.
	expire := in.expired && in.state.Status != wire.StatusRunning
	in.expired = false
	if expire {
		in.events = nil // deleted: nobody will read about it
		if in.state.Status == 0 {
			e.refuseEarly(in)
		}
		in.dropChunks = in.state.Sealed / wire.ChunkSize
		if err := e.deleteExpired(ctx, in); err != nil {
			closeInstance(in)
			if errors.Is(err, store.ErrConflict) && attempt < 100 {
				return stepResult{}, true
			}
			return stepResult{err: err}, false
		}
		e.dropChunks(ctx, in.state, in.dropChunks)
		e.deleteStale(ctx, e.unindex(ctx, in, nil))
		return stepResult{in: &instance{id: id}, out: append(out, in.direct...)}, false
	}
	if in.state != nil {
		e.outboxEvents(in)
	}
	if in.changed {
		err := e.save(ctx, in)
		if errors.Is(err, infinitic.ErrLimitExceeded) && in.state.Status == wire.StatusRunning {
			e.failTooLarge(in, err)
			err = e.save(ctx, in)
		}
		if errors.Is(err, store.ErrConflict) && attempt < 100 {
			closeInstance(in)
			return stepResult{}, true
		}
		if err != nil {
			closeInstance(in)
			return stepResult{err: err}, false
		}
	}
	if in.state != nil {
		out = append(out, in.state.Outbox...)
	}
	out = append(out, in.direct...)
	stale := in.stale
	in.direct, in.stale = nil, nil
	return stepResult{in: in, out: out, stale: stale}, false
}

// step applies envs to a loaded instance at time now, in memory only: the
// new state is in.state, the messages to publish once it is saved are
// in.state.Outbox (new ones only) and in.direct; what needs the store
// (in.retry, in.expired, tags, chunks) is left for process to carry out.
func (e *WorkflowEngine) step(in *instance, envs []*wire.Envelope, now time.Time) {
	in.events, in.continues = nil, 0
	if in.state != nil {
		in.state.Outbox = nil
		in.eventsBase = in.state.Events
		in.history = historyLen(in.state)
	}
	if in.replayed {
		// Changed code may have diverged from the history, or issued
		// more commands: handle the replay's outcome like a step.
		in.replayed = false
		e.drain(in, now)
	}
	for _, env := range envs {
		e.apply(in, env, now)
	}
}

// redelivered tells whether an item was delivered before.
func redelivered(items []item) bool {
	for _, it := range items {
		if it.d.Attempt() > 1 {
			return true
		}
	}
	return false
}

// queriesOnly tells whether items are only getter calls.
func queriesOnly(items []item) bool {
	for _, it := range items {
		if it.env.Kind != wire.KindQuery {
			return false
		}
	}
	return true
}

// fresh returns cached instance in, or its latest stored version if
// another engine changed it since it was cached: a getter must see the
// latest state, and only a write would notice a stale cache (its
// compare-and-set fails).
func (e *WorkflowEngine) fresh(ctx context.Context, in *instance) (*instance, error) {
	data, version, err := e.Store.Get(ctx, wire.StateKey(e.contract.Name, in.id))
	switch {
	case err == nil && version == in.version:
		return in, nil
	case errors.Is(err, store.ErrNotFound):
		closeInstance(in)
		return &instance{id: in.id}, nil
	case err != nil:
		closeInstance(in)
		return nil, err
	}
	closeInstance(in)
	return e.decode(ctx, in.id, data, version)
}

// startsOnly tells whether items only start instances (a signal-with-start
// may be routed elsewhere, which needs the stored state).
func startsOnly(items []item) bool {
	for _, it := range items {
		if it.env.Kind != wire.KindDispatch || it.env.Dispatch.Run != "" || it.env.Dispatch.Signal != nil {
			return false
		}
	}
	return true
}

// newRuntime prepares the runtime of an instance.
func (e *WorkflowEngine) newRuntime(st *wire.State, recorded []wire.Command) (*replay.Runtime, error) {
	if _, err := e.contract.Method(st.Method); err != nil {
		return nil, err
	}
	newImpl, ok := e.cfg.Versions[st.Version]
	if !ok {
		return nil, fmt.Errorf("%w: %s %s runs version %d, not registered on this worker (registered: %v)",
			ErrUnknownVersion, st.Workflow, st.ID, st.Version, slices.Sorted(maps.Keys(e.cfg.Versions)))
	}
	impl, err := e.contract.Bind(newImpl())
	if err != nil {
		return nil, err
	}
	rt := replay.New(replay.Config{
		Info: replay.Info{ID: st.ID, Workflow: st.Workflow, Method: st.Method, Tags: st.Tags, Meta: st.Meta, Version: st.Version,
			Run: st.Continued},
		Codec:    e.Codec,
		Names:    e.Names,
		Logger:   e.logger.With("id", st.ID),
		Recorded: recorded,
		Run: func(ctx replay.Context, method string, input []byte) ([]byte, error) {
			m, err := e.contract.Method(method)
			if err != nil {
				return nil, err
			}
			return m.Invoke(impl, ctx, input, e.Codec)
		},
	})
	rt.SetGeneration(st.Generation)
	return rt, nil
}
