package natsjs

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// A pack is one NATS message carrying several transport messages of one
// subject, published together: the stream stores, delivers, acks and
// removes it once for all of them, which is most of the server's work per
// message (see docs/benchmarks.md). Only messages due at once are packed
// (a timer is a schedule of its own), never log messages (read one by one
// by events.Listen) and never task messages: an engine publishes the
// stored outbox of an instance it reloads again, and counts on the
// stream's deduplication by message ID to drop the copies, which a pack's
// own ID defeats; a copy of a task message would run the task again
// (copies of the other messages are dropped by their consumers).
//
// Body: a format byte (packFormat), then for each message its ID, Key and
// Data, each as a uvarint length and the bytes.
const (
	hdrPack    = "Inf-Pack" // its value is the number of messages
	packFormat = 1
)

// packable reports whether m may travel in a pack.
func packable(m transport.Message, now time.Time) bool {
	return !isLog(m.Subject) && !strings.HasPrefix(m.Subject, wire.ServiceSubject("")) && !m.DeliverAt.After(now)
}

// encodePack builds the NATS message of msgs, all of one subject. Its
// message ID derives from theirs, so that publishing the same messages
// together again is deduplicated like publishing one again; it has none
// if one of them has none.
func (s subjects) encodePack(msgs []transport.Message) *nats.Msg {
	size := 1
	for _, m := range msgs {
		size += packedSize(m)
	}
	body := make([]byte, 1, size)
	body[0] = packFormat
	ids := sha256.New()
	identified := true
	for _, m := range msgs {
		for _, field := range []string{m.ID, m.Key} {
			body = binary.AppendUvarint(body, uint64(len(field)))
			body = append(body, field...)
		}
		body = binary.AppendUvarint(body, uint64(len(m.Data)))
		body = append(body, m.Data...)
		ids.Write([]byte(m.ID))
		ids.Write([]byte{0})
		identified = identified && m.ID != ""
	}
	nm := &nats.Msg{Subject: s.partitioned(msgs[0].Subject, msgs[0].Key), Header: nats.Header{}, Data: body}
	nm.Header[hdrPack] = []string{strconv.Itoa(len(msgs))}
	if identified {
		nm.Header[nats.MsgIdHdr] = []string{"pack:" + hex.EncodeToString(ids.Sum(nil)[:16])}
	}
	return nm
}

// packedSize bounds the bytes m takes in a pack's body.
func packedSize(m transport.Message) int {
	return 3*binary.MaxVarintLen32 + len(m.ID) + len(m.Key) + len(m.Data)
}

var errBadPack = errors.New("transport/natsjs: malformed pack")

// decodePack returns the messages of a pack's body delivered on subject.
func decodePack(subject string, body []byte) ([]transport.Message, error) {
	if len(body) == 0 || body[0] != packFormat {
		return nil, errBadPack
	}
	rest := body[1:]
	field := func() ([]byte, bool) {
		n, k := binary.Uvarint(rest)
		if k <= 0 || k > 1 && n < 1<<(7*(k-1)) || n > uint64(len(rest)-k) { // malformed, not minimal, too long
			return nil, false
		}
		f := rest[k : k+int(n)]
		rest = rest[k+int(n):]
		return f, true
	}
	var msgs []transport.Message
	for len(rest) > 0 {
		id, ok1 := field()
		key, ok2 := field()
		data, ok3 := field()
		if !ok1 || !ok2 || !ok3 {
			return nil, errBadPack
		}
		msgs = append(msgs, transport.Message{Subject: subject, ID: string(id), Key: string(key), Data: data})
	}
	if len(msgs) == 0 {
		return nil, errBadPack
	}
	return msgs, nil
}

// packs groups the packable messages of msgs by subject into packs of at
// most messages and size bytes, in their order, without repeating an ID;
// the others, and a group of one, stay apart.
func packs(msgs []transport.Message, now time.Time, most, size int) (groups [][]transport.Message, apart []transport.Message) {
	if most < 2 {
		return nil, msgs
	}
	bySubject := map[string][]transport.Message{}
	var order []string
	seen := map[string]bool{}
	for _, m := range msgs {
		if !packable(m, now) {
			apart = append(apart, m)
			continue
		}
		if m.ID != "" {
			if seen[m.ID] {
				continue // the stream would drop it, if sent apart
			}
			seen[m.ID] = true
		}
		if _, ok := bySubject[m.Subject]; !ok {
			order = append(order, m.Subject)
		}
		bySubject[m.Subject] = append(bySubject[m.Subject], m)
	}
	for _, subject := range order {
		var group []transport.Message
		used := 1
		flush := func() {
			if len(group) == 1 {
				apart = append(apart, group[0])
			} else if len(group) > 1 {
				groups = append(groups, group)
			}
			group, used = nil, 1
		}
		for _, m := range bySubject[subject] {
			n := packedSize(m)
			if len(group) == most || used+n > size {
				flush()
			}
			group = append(group, m)
			used += n
		}
		flush()
	}
	return groups, apart
}

// pack is a delivered pack: it is acked once every message it carries is
// settled, and naked (all of them redelivered) if its consumer closes
// before.
type pack struct {
	m *nats.Msg

	mu   sync.Mutex
	left int // messages not settled yet
}

// settled records that one more message of p is settled and reports
// whether it was the last.
func (p *pack) settled() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.left--
	return p.left == 0
}

// unsettled takes back the last settled: acking the pack failed.
func (p *pack) unsettled() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.left++
}
