package memory

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/infinitic-go/infinitic/clock"
	"github.com/infinitic-go/infinitic/transport"
)

// DefaultDedupWindow is how long a message ID is remembered by default.
const DefaultDedupWindow = 2 * time.Minute

// DefaultGroup is the group used when Consume is called with an empty group.
const DefaultGroup = "default"

// Option configures a Transport.
type Option func(*Transport)

// WithClock makes the transport read time from c (default clock.System).
func WithClock(c clock.Clock) Option { return func(t *Transport) { t.clock = c } }

// WithDedupWindow sets how long (in clock time) a published message ID is
// remembered for deduplication (default DefaultDedupWindow). Zero or a
// negative value disables deduplication.
func WithDedupWindow(d time.Duration) Option { return func(t *Transport) { t.dedupWindow = d } }

// WithAckTimeout makes deliveries that are neither acked, retried nor dead
// lettered within d (clock time) available again, as JetStream's AckWait
// does. The default, zero, never times out.
func WithAckTimeout(d time.Duration) Option { return func(t *Transport) { t.ackTimeout = d } }

// WithDuplicates makes every published message enqueued twice, so that
// each is delivered (at least) twice: a fault injector for engine tests.
func WithDuplicates() Option { return func(t *Transport) { t.duplicate = true } }

// WithReorder makes Fetch take ready messages in a random order drawn from
// a generator seeded with seed, instead of publication order.
func WithReorder(seed uint64) Option {
	return func(t *Transport) { t.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
}

// DeadLetter is a message removed by Delivery.DeadLetter.
type DeadLetter struct {
	Message transport.Message
	// Group is the group of the consumer that dead-lettered it.
	Group string
	// Reason is the reason given to DeadLetter.
	Reason string
	// Attempt is the attempt of the delivery that was dead-lettered.
	Attempt int
	// At is the clock time of the DeadLetter call.
	At time.Time
}

// Transport is an in-memory transport.Transport. Create it with New.
type Transport struct {
	clock       clock.Clock
	dedupWindow time.Duration
	ackTimeout  time.Duration
	duplicate   bool
	rng         *rand.Rand // nil: FIFO

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every state change
	closed   bool
	seq      uint64
	subjects map[string]*subjectState
	seen     map[string]time.Time // message ID -> publish time
	seenFIFO []seenEntry
	dead     []DeadLetter
	log      []transport.LogEntry // messages of log subjects (log.go)
}

type seenEntry struct {
	id string
	at time.Time
}

type subjectState struct {
	unclaimed *queue            // buffer used while the subject has no group
	groups    map[string]*queue // by group name
}

var _ transport.Transport = (*Transport)(nil)

// New returns an empty in-memory transport.
func New(opts ...Option) *Transport {
	t := &Transport{
		clock:       clock.System,
		dedupWindow: DefaultDedupWindow,
		changed:     make(chan struct{}),
		subjects:    make(map[string]*subjectState),
		seen:        make(map[string]time.Time),
	}
	for _, o := range opts {
		o(t)
	}
	return t
}

// notifyLocked wakes every waiter. t.mu must be held.
func (t *Transport) notifyLocked() {
	close(t.changed)
	t.changed = make(chan struct{})
}

// Publish enqueues msgs. Messages whose ID was published within the dedup
// window are dropped silently. It fails only if ctx is done, the transport
// is closed, or a message has an empty subject (then no message is
// enqueued).
func (t *Transport) Publish(ctx context.Context, msgs ...transport.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, m := range msgs {
		if m.Subject == "" {
			return fmt.Errorf("%w: transport/memory: message %q has an empty subject", transport.ErrInvalidMessage, m.ID)
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return transport.ErrClosed
	}
	now := t.clock.Now()
	t.expireSeenLocked(now)
	for _, m := range msgs {
		if m.ID != "" && t.dedupWindow > 0 {
			if _, dup := t.seen[m.ID]; dup {
				continue
			}
			t.seen[m.ID] = now
			t.seenFIFO = append(t.seenFIFO, seenEntry{m.ID, now})
		}
		m.Data = append([]byte(nil), m.Data...)
		if strings.HasPrefix(m.Subject, transport.LogPrefix) {
			t.appendLogLocked(m)
			continue
		}
		copies := 1
		if t.duplicate {
			copies = 2
		}
		for range copies {
			t.enqueueLocked(m)
		}
	}
	t.notifyLocked()
	return nil
}

func (t *Transport) expireSeenLocked(now time.Time) {
	i := 0
	for ; i < len(t.seenFIFO); i++ {
		e := t.seenFIFO[i]
		if now.Sub(e.at) < t.dedupWindow {
			break
		}
		if t.seen[e.id].Equal(e.at) {
			delete(t.seen, e.id)
		}
	}
	t.seenFIFO = t.seenFIFO[i:]
}

func (t *Transport) enqueueLocked(m transport.Message) {
	s := t.subjectLocked(m.Subject)
	if len(s.groups) == 0 {
		t.seq++
		s.unclaimed.add(&entry{msg: m, seq: t.seq, at: m.DeliverAt})
		return
	}
	for _, q := range s.groups {
		t.seq++
		q.add(&entry{msg: m, seq: t.seq, at: m.DeliverAt})
	}
}

func (t *Transport) subjectLocked(subject string) *subjectState {
	s := t.subjects[subject]
	if s == nil {
		s = &subjectState{unclaimed: newQueue(), groups: make(map[string]*queue)}
		t.subjects[subject] = s
	}
	return s
}

// Consume returns a consumer of subject in group (see the package doc for
// how groups share messages). The empty group is DefaultGroup.
func (t *Transport) Consume(ctx context.Context, subject, group string) (transport.Consumer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if subject == "" {
		return nil, errors.New("transport/memory: empty subject")
	}
	if group == "" {
		group = DefaultGroup
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, transport.ErrClosed
	}
	s := t.subjectLocked(subject)
	q := s.groups[group]
	if q == nil {
		if len(s.groups) == 0 {
			q = s.unclaimed
			s.unclaimed = newQueue()
		} else {
			q = newQueue()
		}
		s.groups[group] = q
	}
	q.consumers++
	return &consumer{t: t, subject: subject, group: group, q: q}, nil
}

// Close closes the transport: blocked and later calls return
// transport.ErrClosed. Introspection methods keep working.
func (t *Transport) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed {
		t.closed = true
		t.notifyLocked()
	}
	return nil
}
