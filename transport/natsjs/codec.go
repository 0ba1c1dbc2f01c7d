package natsjs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic/transport"
)

// Headers carrying transport.Message fields and dead-letter details.
const (
	hdrID        = "Inf-Id"
	hdrKey       = "Inf-Key"
	hdrDeliverAt = "Inf-Deliver-At"
	hdrSubject   = "Inf-Subject"
	hdrGroup     = "Inf-Group"
	hdrReason    = "Inf-Reason"
	hdrAttempt   = "Inf-Attempt"

	hdrSchedule       = "Nats-Schedule"
	hdrScheduleTarget = "Nats-Schedule-Target"
)

// subjects maps transport subjects to NATS subjects.
type subjects struct {
	prefix     string
	partitions int
	schedules  bool // delayed messages are message schedules (else plain)
}

// messages is the stream subject of messages; timers of pending timers.
func (s subjects) messages() string             { return s.prefix + ".m.>" }
func (s subjects) timers() string               { return s.prefix + ".s.>" }
func (s subjects) deadLetters() string          { return s.prefix + ".dlq.>" }
func (s subjects) filter(subject string) string { return s.prefix + ".m." + subject + ".*" }
func (s subjects) deadLetter(subject string) string {
	return s.prefix + ".dlq." + subject
}

// partitioned is the NATS subject of a message of subject with key.
func (s subjects) partitioned(subject, key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	x := h.Sum64() // FNV's low bits are weak: finish with splitmix64's mixer
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	x ^= x >> 31
	return s.prefix + ".m." + subject + "." + strconv.FormatUint(x%uint64(s.partitions), 10)
}

// timer is the NATS subject of the schedule of a delayed message: unique
// per (subject, ID), so that republishing a timer replaces it.
func (s subjects) timer(subject, id string) string {
	sum := sha256.Sum256([]byte(subject + "\x00" + id))
	return s.prefix + ".s." + hex.EncodeToString(sum[:16])
}

// headerSafe reports whether v can be sent as a header value.
func headerSafe(v string) bool {
	for i := range len(v) {
		if c := v[i]; c < ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

// encode builds the NATS message of m, delayed (as a schedule, when
// s.schedules) when DeliverAt is after now.
func (s subjects) encode(m transport.Message, now time.Time) (*nats.Msg, error) {
	if err := s.check(m); err != nil {
		return nil, err
	}
	target := s.partitioned(m.Subject, m.Key)
	if isLog(m.Subject) {
		target = s.logSubject(m.Subject) // one log, read in order: no partitions
	}
	nm := &nats.Msg{Subject: target, Header: nats.Header{}, Data: m.Data}
	if m.ID != "" {
		nm.Header[hdrID] = []string{m.ID}
		nm.Header[nats.MsgIdHdr] = []string{m.ID}
	}
	if m.Key != "" {
		nm.Header[hdrKey] = []string{m.Key}
	}
	if !m.DeliverAt.IsZero() {
		at := m.DeliverAt.UTC().Format(time.RFC3339Nano)
		nm.Header[hdrDeliverAt] = []string{at}
		if s.schedules && m.DeliverAt.After(now) && !isLog(m.Subject) {
			id := m.ID
			if id == "" {
				id = nats.NewInbox() // unique
			}
			nm.Subject = s.timer(m.Subject, id)
			nm.Header[hdrSchedule] = []string{"@at " + at}
			nm.Header[hdrScheduleTarget] = []string{target}
		}
	}
	return nm, nil
}

// check refuses a message that cannot be sent: with an invalid subject,
// or an ID or Key that headers cannot carry (a message may travel alone).
func (subjects) check(m transport.Message) error {
	if !validSubject(m.Subject) {
		return fmt.Errorf("%w: transport/natsjs: invalid subject %q", transport.ErrInvalidMessage, m.Subject)
	}
	if !headerSafe(m.ID) || !headerSafe(m.Key) {
		return fmt.Errorf("%w: transport/natsjs: message %q: ID and Key must not contain control characters", transport.ErrInvalidMessage, m.ID)
	}
	return nil
}

// decode rebuilds the transport.Message delivered on subject from the
// headers and data of a NATS message. Malformed optional headers are
// ignored rather than failing the delivery.
func decode(subject string, h nats.Header, data []byte) transport.Message {
	m := transport.Message{Subject: subject, Data: data}
	if h == nil {
		return m
	}
	m.ID = h.Get(hdrID)
	m.Key = h.Get(hdrKey)
	if at := h.Get(hdrDeliverAt); at != "" {
		if t, err := time.Parse(time.RFC3339Nano, at); err == nil {
			m.DeliverAt = t
		}
	}
	return m
}

// DeadLetter is a message kept on the dead-letter stream.
type DeadLetter struct {
	// Message is the dead-lettered message.
	Message transport.Message
	// Group is the group of the consumer that dead-lettered it.
	Group string
	// Reason is the reason given to Delivery.DeadLetter.
	Reason string
	// Attempt is the attempt of the dead-lettered delivery.
	Attempt int
	// At is when the dead letter was stored.
	At time.Time
}

// encodeDeadLetter builds the dead-letter copy of a delivered message.
func (s subjects) encodeDeadLetter(m transport.Message, group, reason string, attempt int) *nats.Msg {
	nm := &nats.Msg{Subject: s.deadLetter(m.Subject), Header: nats.Header{}, Data: m.Data}
	set := func(k, v string) {
		if v != "" {
			nm.Header[k] = []string{v}
		}
	}
	set(hdrID, m.ID)
	set(hdrKey, m.Key)
	if !m.DeliverAt.IsZero() {
		set(hdrDeliverAt, m.DeliverAt.UTC().Format(time.RFC3339Nano))
	}
	set(hdrSubject, m.Subject)
	set(hdrGroup, group)
	set(hdrReason, sanitize(reason))
	set(hdrAttempt, strconv.Itoa(attempt))
	return nm
}

// decodeDeadLetter rebuilds a DeadLetter from its NATS message.
func decodeDeadLetter(h nats.Header, data []byte, at time.Time) DeadLetter {
	d := DeadLetter{Message: decode(h.Get(hdrSubject), h, data), At: at}
	d.Group = h.Get(hdrGroup)
	d.Reason = h.Get(hdrReason)
	d.Attempt, _ = strconv.Atoi(h.Get(hdrAttempt))
	return d
}

// sanitize replaces control characters, which headers cannot carry.
func sanitize(s string) string {
	if headerSafe(s) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c < ' ' || c == 0x7f {
			b[i] = ' '
		}
	}
	return string(b)
}
