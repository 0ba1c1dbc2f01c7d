package natsjs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/internal/jsapi"
	"github.com/infinitic-go/infinitic/transport"
)

// timersConsumer is the never-read consumer keeping timer subjects alive
// in the Interest-retention stream.
const timersConsumer = "timers"

// Transport is a transport.Transport on JetStream. Create it with New.
type Transport struct {
	cfg  Config
	nc   *nats.Conn
	js   jetstream.JetStream
	subj subjects

	// local: the message and log streams are on the connection's server,
	// not clustered (see publish).
	local bool

	synced     *groupCommit // the server's group commits; nil when it has none (see detectSync)
	ensured    sync.Map     // transport subject -> struct{}: primary consumer exists
	ensuring   sync.Map     // transport subject -> chan struct{} (1 slot): one ensureInterest at a time
	reconnects *reconnects
	coalescer  coalescer

	mu        sync.Mutex
	closed    bool
	consumers map[*consumer]struct{}
	checks    map[*time.Timer]struct{} // pending warnIfUnconsumed checks
	checking  sync.WaitGroup           // running ones
}

var _ transport.Transport = (*Transport)(nil)

// New creates or updates the streams described by cfg on the server of nc
// and returns a transport using them. On a cluster just started, it waits
// for the JetStream leader (and for enough servers for cfg.Replicas) until
// ctx ends, or for a minute when ctx has no deadline. The transport does not own nc:
// closing the transport leaves the connection open.
func New(ctx context.Context, nc *nats.Conn, cfg Config) (*Transport, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(cfg.MaxPendingPublishes),
		jetstream.WithPublishAsyncTimeout(cfg.PublishTimeout))
	if err != nil {
		return nil, fmt.Errorf("transport/natsjs: %w", err)
	}
	schedules := cfg.Timers == TimersSchedule ||
		cfg.Timers == TimersAuto && versionAtLeast(nc.ConnectedServerVersion(), 2, 12)
	t := &Transport{
		cfg: cfg, nc: nc, js: js,
		subj:      subjects{prefix: cfg.Prefix, partitions: cfg.Partitions, schedules: schedules},
		consumers: make(map[*consumer]struct{}),
		checks:    make(map[*time.Timer]struct{}),
	}
	if err := jsapi.Retry(ctx, t.setup); err != nil { // a cluster just started may need a few seconds
		return nil, err
	}
	if err := t.detectSync(ctx); err != nil {
		return nil, err
	}
	t.reconnects = watchReconnects(nc)
	return t, nil
}

// setup creates or updates the streams and the timers consumer.
func (t *Transport) setup(ctx context.Context) error {
	err := t.ensureStream(ctx, jetstream.StreamConfig{
		Name:              t.cfg.Stream,
		Description:       "infinitic messages and timers",
		Subjects:          []string{t.subj.messages(), t.subj.timers()},
		Retention:         jetstream.InterestPolicy,
		Storage:           t.cfg.Storage,
		Replicas:          t.cfg.Replicas,
		Duplicates:        t.cfg.DedupWindow,
		Discard:           jetstream.DiscardOld,
		AllowMsgSchedules: t.subj.schedules,
		AllowRollup:       t.subj.schedules,
	})
	if err != nil {
		return fmt.Errorf("transport/natsjs: create stream %s (server 2.12+ with message schedules "+
			"required; retention cannot change on an existing stream): %w", t.cfg.Stream, err)
	}
	err = t.ensureStream(ctx, jetstream.StreamConfig{
		Name:        t.cfg.DeadLetterStream,
		Description: "infinitic dead letters",
		Subjects:    []string{t.subj.deadLetters()},
		Retention:   jetstream.LimitsPolicy,
		Storage:     t.cfg.Storage,
		Replicas:    t.cfg.Replicas,
		MaxAge:      t.cfg.DeadLetterMaxAge,
		Duplicates:  t.cfg.DedupWindow,
	})
	if err != nil {
		return fmt.Errorf("transport/natsjs: create stream %s: %w", t.cfg.DeadLetterStream, err)
	}
	if err := t.setupLog(ctx); err != nil {
		return err
	}
	if t.local, err = t.streamsLocal(ctx); err != nil {
		return err
	}
	tc := jetstream.ConsumerConfig{
		Durable:       timersConsumer,
		Description:   "keeps pending timers in the interest-retention stream; never read",
		FilterSubject: t.subj.timers(),
		AckPolicy:     jetstream.AckExplicitPolicy,
		MaxDeliver:    -1,
	}
	if _, err = t.js.Consumer(ctx, t.cfg.Stream, timersConsumer); errors.Is(err, jetstream.ErrConsumerNotFound) {
		_, err = t.js.CreateConsumer(ctx, t.cfg.Stream, tc)
		if errors.Is(err, jetstream.ErrConsumerExists) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("transport/natsjs: create consumer %s: %w", timersConsumer, err)
	}
	return nil
}

// streamsLocal reports whether the message and log streams are stored by
// the server of the connection alone: not clustered (no Raft group), led
// by that server.
func (t *Transport) streamsLocal(ctx context.Context) (bool, error) {
	for _, name := range []string{t.cfg.Stream, t.cfg.LogStream} {
		s, err := t.js.Stream(ctx, name)
		if err != nil {
			return false, fmt.Errorf("transport/natsjs: stream %s: %w", name, err)
		}
		if !storedBy(s.CachedInfo().Cluster, t.nc.ConnectedServerName()) {
			return false, nil
		}
	}
	return true, nil
}

// storedBy reports whether a stream of cluster information c is stored by
// server alone: not clustered, and led by it.
func storedBy(c *jetstream.ClusterInfo, server string) bool {
	return c != nil && c.RaftGroup == "" && len(c.Replicas) == 0 && c.Leader == server
}

// ensureStream creates the stream of cfg, or updates it when its
// configuration differs (unless Config.KeepStreams) (updating only when needed keeps concurrent
// transports from updating the stream again and again).
func (t *Transport) ensureStream(ctx context.Context, cfg jetstream.StreamConfig) error {
	st, err := t.js.Stream(ctx, cfg.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		cfg.Replicas = max(cfg.Replicas, 1)
		_, err = t.js.CreateStream(ctx, cfg)
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return t.ensureStream(ctx, cfg) // created concurrently
		}
		return err
	}
	if err != nil {
		return err
	}
	if t.cfg.KeepStreams {
		return nil
	}
	cur := st.CachedInfo().Config
	if cfg.Replicas == 0 {
		cfg.Replicas = cur.Replicas
	}
	if cur.AllowMsgSchedules { // cannot be disabled once enabled
		cfg.AllowMsgSchedules, cfg.AllowRollup = true, true
	}
	if cur.Retention == cfg.Retention && slices.Equal(cur.Subjects, cfg.Subjects) &&
		cur.Storage == cfg.Storage && cur.Replicas == cfg.Replicas && cur.Duplicates == cfg.Duplicates &&
		cur.MaxAge == cfg.MaxAge && max(cur.MaxBytes, 0) == max(cfg.MaxBytes, 0) && cur.AllowMsgSchedules == cfg.AllowMsgSchedules &&
		cur.Discard == cfg.Discard {
		return nil
	}
	_, err = t.js.UpdateStream(ctx, cfg)
	return err
}

// versionAtLeast reports whether the server version v ("2.12.1",
// "v2.10.0-beta") is at least major.minor.
func versionAtLeast(v string, major, minor int) bool {
	v = strings.TrimPrefix(v, "v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(strings.TrimFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}

// Close closes every consumer of the transport (naking their unsettled
// deliveries) and makes later calls return transport.ErrClosed. It does
// not close the NATS connection.
func (t *Transport) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	cs := make([]*consumer, 0, len(t.consumers))
	for c := range t.consumers {
		cs = append(cs, c)
	}
	for timer := range t.checks {
		timer.Stop()
	}
	t.mu.Unlock()
	t.checking.Wait()
	var errs []error
	for _, c := range cs {
		errs = append(errs, c.Close())
	}
	t.reconnects.stop()
	return errors.Join(errs...)
}

func (t *Transport) isClosed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closed
}
