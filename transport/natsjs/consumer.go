package natsjs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// DefaultGroup is the group used when Consume is called with an empty group.
const DefaultGroup = "default"

// description is the description of the consumer of (subject, group): it
// records which group owns a primary consumer ("" while unclaimed). The
// description, unlike metadata, exists on every JetStream version.
func description(subject, group string) string {
	return "infinitic subject=" + subject + " group=" + group
}

// owner returns the group recorded in the description of a consumer of
// subject, and false when the description is not one of ours.
func owner(desc, subject string) (string, bool) {
	return strings.CutPrefix(desc, "infinitic subject="+subject+" group=")
}

// parseDescription returns the subject and group of a consumer's
// description, and false when the description is not one of ours.
func parseDescription(desc string) (subject, group string, ok bool) {
	rest, ok := strings.CutPrefix(desc, "infinitic subject=")
	if !ok {
		return "", "", false
	}
	return strings.Cut(rest, " group=")
}

// primaryName is the durable name of the first group's consumer of subject.
func primaryName(subject string) string { return readable(subject) + "_" + hash(subject) }

// secondaryName is the durable name of a later group's consumer of subject.
func secondaryName(subject, group string) string {
	return readable(subject) + "_" + hash(subject) + "_" + hash(group)[:12]
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// readable turns s into a short, valid consumer name fragment.
func readable(s string) string {
	if len(s) > 48 {
		s = s[:48]
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

func (t *Transport) consumerConfig(subject, name, group string, deliver jetstream.DeliverPolicy) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:           name,
		Description:       description(subject, group),
		FilterSubject:     t.subj.filter(subject),
		DeliverPolicy:     deliver,
		AckPolicy:         jetstream.AckExplicitPolicy,
		AckWait:           t.cfg.AckWait,
		MaxDeliver:        -1,
		MaxAckPending:     t.cfg.MaxAckPending,
		InactiveThreshold: inactiveThreshold(group),
	}
}

// Consume returns a consumer of subject in group, creating its durable
// JetStream consumer if needed (see the package doc). The empty group is
// DefaultGroup.
func (t *Transport) Consume(ctx context.Context, subject, group string) (transport.Consumer, error) {
	if t.isClosed() {
		return nil, transport.ErrClosed
	}
	if !validSubject(subject) {
		return nil, fmt.Errorf("transport/natsjs: invalid subject %q", subject)
	}
	if group == "" {
		group = DefaultGroup
	}
	var jc jetstream.Consumer
	err := jsapi.Retry(ctx, func(ctx context.Context) (err error) { // see ensureInterest
		jc, err = t.groupConsumer(ctx, subject, group)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("transport/natsjs: consume %s (group %s): %w", subject, group, err)
	}
	t.ensured.Store(subject, struct{}{})
	c := &consumer{t: t, jc: jc, subject: subject, group: group, pending: make(map[*delivery]struct{})}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		c.cancel()
		return nil, transport.ErrClosed
	}
	t.consumers[c] = struct{}{}
	return c, nil
}

// EphemeralTTL is how long the consumer of an ephemeral group (see
// transport.EphemeralGroup) survives without any consumer fetching.
const EphemeralTTL = 10 * time.Minute

// inactiveThreshold lets the server delete the consumers of ephemeral
// groups once their process is gone; other consumers live forever.
func inactiveThreshold(group string) time.Duration {
	if strings.HasPrefix(group, transport.EphemeralGroup) {
		return EphemeralTTL
	}
	return 0
}

// groupConsumer finds or creates the JetStream consumer of (subject, group).
func (t *Transport) groupConsumer(ctx context.Context, subject, group string) (jetstream.Consumer, error) {
	stream, primary := t.cfg.Stream, primaryName(subject)
	for range 5 {
		jc, err := t.js.Consumer(ctx, stream, primary)
		if errors.Is(err, jetstream.ErrConsumerNotFound) {
			jc, err = t.js.CreateConsumer(ctx, stream, t.consumerConfig(subject, primary, group, jetstream.DeliverAllPolicy))
			if errors.Is(err, jetstream.ErrConsumerExists) {
				continue // created concurrently: look again
			}
			return jc, err
		}
		if err != nil {
			return nil, err
		}
		switch g, ours := owner(jc.CachedInfo().Config.Description, subject); {
		case ours && g == group:
			return jc, nil
		case ours && g == "":
			if jc, ok, err := t.claim(ctx, jc, subject, group); err != nil || ok {
				return jc, err
			}
		}
		name := secondaryName(subject, group)
		jc, err = t.js.Consumer(ctx, stream, name)
		if errors.Is(err, jetstream.ErrConsumerNotFound) {
			jc, err = t.js.CreateConsumer(ctx, stream, t.consumerConfig(subject, name, group, jetstream.DeliverNewPolicy))
			if errors.Is(err, jetstream.ErrConsumerExists) {
				continue
			}
		}
		return jc, err
	}
	return nil, errors.New("too many concurrent consumer creations")
}

// claim records group as the owner of the unclaimed primary consumer jc.
func (t *Transport) claim(ctx context.Context, jc jetstream.Consumer, subject, group string) (jetstream.Consumer, bool, error) {
	cfg := jc.CachedInfo().Config
	cfg.Description = description(subject, group)
	cfg.InactiveThreshold = inactiveThreshold(group)
	if _, err := t.js.UpdateConsumer(ctx, t.cfg.Stream, cfg); err != nil {
		return nil, false, err
	}
	jc, err := t.js.Consumer(ctx, t.cfg.Stream, cfg.Durable)
	if err != nil {
		return nil, false, err
	}
	g, _ := owner(jc.CachedInfo().Config.Description, subject)
	return jc, g == group, nil
}

// consumer is one transport consumer of a (subject, group).
type consumer struct {
	t       *Transport
	jc      jetstream.Consumer
	subject string
	group   string
	ctx     context.Context // canceled by Close
	cancel  context.CancelFunc

	mu      sync.Mutex
	closed  bool
	pending map[*delivery]struct{} // unsettled deliveries

	pulling sync.Mutex  // one Fetch at a time
	p       *puller     // started by the first Fetch
	spill   []*delivery // messages of packs fetched beyond a Fetch's limit, for the next
}

// Fetch returns up to limit messages, waiting up to maxWait for the first.
// When the server group-commits (Transport.GroupCommit), it returns them
// once they are on disk: nothing is acted on (a result reported, a task
// run) that a power loss could take back.
func (c *consumer) Fetch(ctx context.Context, limit int, maxWait time.Duration) ([]transport.Delivery, error) {
	if limit <= 0 {
		return nil, errors.New("transport/natsjs: Fetch limit must be positive")
	}
	if c.isClosed() {
		return nil, transport.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.pulling.Lock()
	if len(c.spill) > 0 { // on disk already: the Fetch that pulled them waited
		n := min(limit, len(c.spill))
		ds := c.spill[:n:n]
		c.spill = c.spill[n:]
		c.pulling.Unlock()
		return c.track(ds, nil)
	}
	ds, err := c.pull(ctx, limit, time.Now().Add(maxWait))
	if len(ds) > limit {
		ds, c.spill = ds[:limit:limit], ds[limit:]
	}
	if len(ds) > 0 {
		pulled := slices.Concat(ds, c.spill) // the spill is handed over later, without a wait
		if serr := c.t.durableFetched(ctx, pulled); serr != nil {
			_ = nak(pulled)
			c.spill = nil
			c.pulling.Unlock()
			return nil, serr
		}
	}
	c.pulling.Unlock()
	return c.track(ds, err)
}

// deliveries wraps a delivered message, or each message of a delivered
// pack; it naks a timer not due yet (and returns nothing).
func (c *consumer) deliveries(m *nats.Msg) []*delivery {
	attempt := 1
	if md, err := m.Metadata(); err == nil {
		attempt = int(md.NumDelivered)
	}
	if before, err := strconv.Atoi(m.Header.Get(hdrAttempt)); err == nil && before > 0 {
		attempt += before // a message of a pack, retried apart (delivery.Retry)
	}
	if m.Header.Get(hdrPack) != "" {
		if msgs, err := decodePack(c.subject, m.Data); err == nil {
			pk := &pack{m: m, left: len(msgs)}
			ds := make([]*delivery, len(msgs))
			for i, msg := range msgs {
				ds[i] = &delivery{c: c, m: m, pk: pk, attempt: attempt, msg: msg}
			}
			return ds
		}
		// Malformed: delivered as it is, for its consumer to dead-letter.
	}
	msg := decode(c.subject, m.Header, m.Data)
	if !c.t.subj.schedules && !msg.DeliverAt.IsZero() {
		if early := time.Until(msg.DeliverAt); early > 0 {
			_ = m.NakWithDelay(early) // redelivery timer: not yet
			return nil
		}
	}
	return []*delivery{{c: c, m: m, attempt: attempt, msg: msg}}
}

// track records ds as unsettled. Deliveries that arrive with an error are
// still returned, so that the caller settles them.
func (c *consumer) track(ds []*delivery, err error) ([]transport.Delivery, error) {
	c.mu.Lock()
	closed := c.closed
	if !closed {
		for _, d := range ds {
			c.pending[d] = struct{}{}
		}
	}
	c.mu.Unlock()
	if closed {
		_ = nak(ds)
		return nil, transport.ErrClosed
	}
	out := make([]transport.Delivery, len(ds))
	for i, d := range ds {
		out[i] = d
	}
	if len(out) > 0 && err != nil && !errors.Is(err, transport.ErrClosed) {
		err = nil
	}
	return out, err
}

func (c *consumer) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Close stops the consumer: it naks its unsettled deliveries, which are
// redelivered at once to the group, and unblocks Fetch calls. The durable
// JetStream consumer stays.
func (c *consumer) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	ds := c.pending
	c.pending = nil
	c.mu.Unlock()
	c.cancel() // ends a waiting Fetch
	c.pulling.Lock()
	if c.p != nil {
		c.p.stop(c.t.nc)
	}
	spill := c.spill
	c.spill = nil
	c.pulling.Unlock()
	c.t.mu.Lock()
	delete(c.t.consumers, c)
	c.t.mu.Unlock()
	for d := range ds {
		spill = append(spill, d)
	}
	return nak(spill)
}

// nak naks the NATS message of each delivery of ds once (the messages of
// a pack share theirs): they are redelivered at once.
func nak(ds []*delivery) error {
	naked := map[*nats.Msg]bool{}
	var errs []error
	for _, d := range ds {
		if !naked[d.m] {
			naked[d.m] = true
			errs = append(errs, d.m.Nak())
		}
	}
	return errors.Join(errs...)
}
