package natsjs

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DeadLetters returns up to limit dead letters of subject (all subjects
// when subject is ""), oldest first. It reads the dead-letter stream with
// an ephemeral ordered consumer: meant for inspection and tests, not for
// processing dead letters.
func (t *Transport) DeadLetters(ctx context.Context, subject string, limit int) ([]DeadLetter, error) {
	if limit <= 0 {
		return nil, nil
	}
	filter := t.subj.deadLetters()
	if subject != "" {
		if !validSubject(subject) {
			return nil, fmt.Errorf("transport/natsjs: invalid subject %q", subject)
		}
		filter = t.subj.deadLetter(subject)
	}
	oc, err := t.js.OrderedConsumer(ctx, t.cfg.DeadLetterStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{filter},
	})
	if err != nil {
		return nil, fmt.Errorf("transport/natsjs: read dead letters: %w", err)
	}
	var out []DeadLetter
	for len(out) < limit {
		b, err := oc.FetchNoWait(limit - len(out))
		if err != nil {
			return out, fmt.Errorf("transport/natsjs: read dead letters: %w", err)
		}
		n := 0
		for m := range b.Messages() {
			n++
			var at time.Time
			if md, err := m.Metadata(); err == nil {
				at = md.Timestamp
			}
			out = append(out, decodeDeadLetter(m.Headers(), m.Data(), at))
		}
		if err := b.Error(); err != nil {
			return out, fmt.Errorf("transport/natsjs: read dead letters: %w", err)
		}
		if n == 0 {
			break
		}
	}
	return out, nil
}
