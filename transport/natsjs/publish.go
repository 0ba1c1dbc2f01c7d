package natsjs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/internal/jsapi"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// Publish sends msgs asynchronously and waits until the stream
// acknowledged each of them (duplicates included), and, when the server
// group-commits (GroupCommit), until they are on disk. Messages whose
// DeliverAt is in the future are published as timers. On error some
// messages may have been stored; publishing them again is safe.
func (t *Transport) Publish(ctx context.Context, msgs ...transport.Message) error {
	if t.isClosed() {
		return transport.ErrClosed
	}
	if err := t.unhealthy(); err != nil {
		return fmt.Errorf("transport/natsjs: %w", err)
	}
	if err := t.publishCoalesced(ctx, msgs); err != nil {
		if h := t.unhealthy(); h != nil {
			return fmt.Errorf("transport/natsjs: %w (%w)", h, err)
		}
		return err
	}
	return t.durable(ctx)
}

// unhealthy returns why the server cannot take writes now (Config.Health).
func (t *Transport) unhealthy() error {
	if t.cfg.Health == nil {
		return nil
	}
	return t.cfg.Health()
}

// publish publishes msgs in order, the messages on log subjects first,
// so that what the others cause is logged after them (see
// transport.LogPrefix). When both streams are on the server of the
// connection (t.local), sending the log messages first is enough: the
// server queues a connection's messages to each stream as it reads them,
// before it stores the next ones, so anything the others cause reaches
// the log stream's queue after them (and the log stream, which discards
// its oldest messages into a reserved size, does not refuse a message
// that the message stream takes). Otherwise (a cluster) the log messages
// are acknowledged before the others are sent.
func (t *Transport) publish(ctx context.Context, msgs []transport.Message) error {
	var logs, others []transport.Message
	for _, m := range msgs {
		if isLog(m.Subject) {
			logs = append(logs, m)
		} else {
			others = append(others, m)
		}
	}
	if len(logs) > 0 && len(others) > 0 && !t.local {
		if err := t.publishAll(ctx, logs); err != nil {
			return err
		}
		return t.publishAll(ctx, others)
	}
	return t.publishAll(ctx, append(logs, others...))
}

// publishAll publishes msgs asynchronously and waits for every
// acknowledgement.
func (t *Transport) publishAll(ctx context.Context, msgs []transport.Message) error {
	now := time.Now()
	groups, apart := packs(msgs, now, t.cfg.PackSize, t.MaxMessageSize())
	logs := 0 // apart starts with the log messages, sent first as in msgs
	for logs < len(apart) && isLog(apart[logs].Subject) {
		logs++
	}
	nms := make([]*nats.Msg, 0, len(groups)+len(apart))
	encode := func(ms []transport.Message) error {
		for _, m := range ms {
			nm, err := t.subj.encode(m, now)
			if err != nil {
				return err
			}
			nms = append(nms, nm)
		}
		return nil
	}
	if err := encode(apart[:logs]); err != nil {
		return err
	}
	for _, g := range groups {
		for _, m := range g {
			if err := t.subj.check(m); err != nil {
				return err
			}
		}
		nms = append(nms, t.subj.encodePack(g))
	}
	if err := encode(apart[logs:]); err != nil {
		return err
	}
	for _, m := range msgs {
		if isLog(m.Subject) {
			continue // kept by limits, not by interest
		}
		if err := t.ensureInterest(ctx, m.Subject); err != nil {
			return err
		}
	}
	futures := make([]jetstream.PubAckFuture, 0, len(nms))
	for _, nm := range nms {
		f, err := t.publishAsync(ctx, nm)
		if err != nil {
			return errors.Join(err, t.wait(ctx, futures))
		}
		futures = append(futures, f)
	}
	return t.wait(ctx, futures)
}

// publishAsync publishes nm, waiting while too many publishes are in flight.
func (t *Transport) publishAsync(ctx context.Context, nm *nats.Msg) (jetstream.PubAckFuture, error) {
	for {
		f, err := t.js.PublishMsgAsync(nm, jetstream.WithStallWait(time.Second))
		if !errors.Is(err, jetstream.ErrTooManyStalledMsgs) {
			if errors.Is(err, nats.ErrMaxPayload) {
				return nil, fmt.Errorf("%w: transport/natsjs: publish to %s: %w", transport.ErrInvalidMessage, nm.Subject, err)
			}
			if err != nil {
				return nil, fmt.Errorf("transport/natsjs: publish to %s: %w", nm.Subject, err)
			}
			return f, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

// wait waits for the acknowledgement of every future.
func (t *Transport) wait(ctx context.Context, futures []jetstream.PubAckFuture) error {
	var errs []error
	for _, f := range futures {
		select {
		case ack := <-f.Ok():
			if t.synced != nil && ack.Stream == t.synced.stream {
				t.synced.see(ack.Sequence) // stored: the next round covers it
			}
		case err := <-f.Err():
			errs = append(errs, fmt.Errorf("transport/natsjs: publish to %s: %w", f.Msg().Subject, err))
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return errors.Join(errs...)
}

// ensureInterest makes sure that the primary consumer of subject exists,
// so that the Interest-retention stream keeps its messages until a group
// consumes them. It costs one request per subject and Transport: the
// first publishes to a subject wait for one another (thousands of
// requests at once would swamp a cluster's JetStream leader, where
// creating a replicated consumer takes a while). Each request has its
// own timeout and is retried: on a cluster, a request may go unanswered
// (a consumer electing its leader), and with the caller's deadline alone
// the publishes waiting behind it would wait as long.
func (t *Transport) ensureInterest(ctx context.Context, subject string) error {
	if _, ok := t.ensured.Load(subject); ok {
		return nil
	}
	slot, _ := t.ensuring.LoadOrStore(subject, make(chan struct{}, 1))
	select {
	case slot.(chan struct{}) <- struct{}{}:
		defer func() { <-slot.(chan struct{}) }()
	case <-ctx.Done():
		return fmt.Errorf("transport/natsjs: ensure consumer for %s: %w", subject, ctx.Err())
	}
	var unclaimed bool
	err := jsapi.Retry(ctx, func(ctx context.Context) error {
		if _, ok := t.ensured.Load(subject); ok { // done meanwhile (another publish, or Consume)
			unclaimed = false
			return nil
		}
		var err error
		unclaimed, err = t.ensurePrimary(ctx, subject)
		return err
	})
	if err != nil {
		return fmt.Errorf("transport/natsjs: ensure consumer for %s: %w", subject, err)
	}
	if unclaimed && hostedByWorkers(subject) {
		t.warnIfUnconsumed(subject)
	}
	t.ensured.Store(subject, struct{}{})
	return nil
}

// ensurePrimary finds or creates the primary consumer of subject and
// reports whether no group has claimed it yet.
func (t *Transport) ensurePrimary(ctx context.Context, subject string) (unclaimed bool, err error) {
	name := primaryName(subject)
	jc, err := t.js.Consumer(ctx, t.cfg.Stream, name)
	if err == nil {
		return isUnclaimed(jc, subject), nil
	}
	if !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return false, err
	}
	_, err = t.js.CreateConsumer(ctx, t.cfg.Stream, t.consumerConfig(subject, name, "", jetstream.DeliverAllPolicy))
	if errors.Is(err, jetstream.ErrConsumerExists) {
		return false, nil // created concurrently, maybe claimed
	}
	return err == nil, err
}

// warnIfUnconsumed logs a warning if, Config.UnconsumedWarning from now,
// messages still wait on subject and no worker ever consumed it: its
// workflow or service is probably registered on no worker. Workers that
// start a moment after the first publish do not cause a warning.
func (t *Transport) warnIfUnconsumed(subject string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	var timer *time.Timer
	timer = time.AfterFunc(t.cfg.UnconsumedWarning, func() {
		t.mu.Lock()
		delete(t.checks, timer)
		closed := t.closed
		if !closed {
			t.checking.Add(1)
		}
		t.mu.Unlock()
		if closed {
			return
		}
		defer t.checking.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		jc, err := t.js.Consumer(ctx, t.cfg.Stream, primaryName(subject))
		if err != nil || !isUnclaimed(jc, subject) || jc.CachedInfo().NumPending == 0 {
			return
		}
		t.cfg.Logger.Warn("transport/natsjs: messages wait on a subject that no worker has ever consumed: "+
			"is its workflow or service registered on a running worker?", "subject", subject,
			"waiting", jc.CachedInfo().NumPending, "since", t.cfg.UnconsumedWarning)
	})
	t.checks[timer] = struct{}{}
}

// isUnclaimed reports whether no group ever consumed the subject of jc, a
// primary consumer.
func isUnclaimed(jc jetstream.Consumer, subject string) bool {
	g, ours := owner(jc.CachedInfo().Config.Description, subject)
	return ours && g == ""
}

// hostedByWorkers reports whether subject is one that a worker must
// consume: a workflow's or a service's.
func hostedByWorkers(subject string) bool {
	for _, prefix := range []string{wire.WorkflowSubject(""), wire.WorkflowInternalSubject(""), wire.ServiceSubject("")} {
		if strings.HasPrefix(subject, prefix) {
			return true
		}
	}
	return false
}

// headroom is what a message carries besides its data (subject, headers),
// kept free under the server's maximum message size.
const headroom = 4 << 10

// MaxMessageSize is the largest Message.Data Publish accepts: the
// server's maximum message size (1 MiB by default) less room for headers.
func (t *Transport) MaxMessageSize() int { return int(t.nc.MaxPayload()) - headroom }
