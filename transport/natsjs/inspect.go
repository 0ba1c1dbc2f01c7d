package natsjs

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/transport"
)

var _ transport.Inspector = (*Transport)(nil)

// Inspect describes every subject that has a consumer group or dead
// letters (transport.Inspector), from the JetStream consumers' and the
// dead-letter stream's information: one request per consumer, so meant
// for dashboards, not for hot paths.
func (t *Transport) Inspect(ctx context.Context) ([]transport.SubjectInfo, error) {
	bySubject := map[string]*transport.SubjectInfo{}
	info := func(subject string) *transport.SubjectInfo {
		if bySubject[subject] == nil {
			bySubject[subject] = &transport.SubjectInfo{Subject: subject}
		}
		return bySubject[subject]
	}
	stream, err := t.js.Stream(ctx, t.cfg.Stream)
	if err != nil {
		return nil, fmt.Errorf("transport/natsjs: inspect: %w", err)
	}
	consumers := stream.ListConsumers(ctx)
	for ci := range consumers.Info() {
		subject, group, ok := parseDescription(ci.Config.Description)
		if !ok {
			continue
		}
		s := info(subject)
		s.Groups = append(s.Groups, transport.GroupInfo{Group: group, Pending: int(ci.NumPending), InFlight: ci.NumAckPending,
			Redelivered: ci.NumRedelivered, Acked: ci.AckFloor.Consumer, Consumers: ci.NumWaiting})
	}
	if err := consumers.Err(); err != nil {
		return nil, fmt.Errorf("transport/natsjs: inspect: %w", err)
	}
	dlq, err := t.js.Stream(ctx, t.cfg.DeadLetterStream)
	if err != nil {
		return nil, fmt.Errorf("transport/natsjs: inspect: %w", err)
	}
	di, err := dlq.Info(ctx, jetstream.WithSubjectFilter(t.subj.deadLetters()))
	if err != nil {
		return nil, fmt.Errorf("transport/natsjs: inspect: %w", err)
	}
	for subj, n := range di.State.Subjects {
		if subject, ok := strings.CutPrefix(subj, t.subj.deadLetter("")); ok {
			info(subject).DeadLetters = int(n)
		}
	}
	out := make([]transport.SubjectInfo, 0, len(bySubject))
	for _, s := range bySubject {
		slices.SortFunc(s.Groups, func(a, b transport.GroupInfo) int { return strings.Compare(a.Group, b.Group) })
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b transport.SubjectInfo) int { return strings.Compare(a.Subject, b.Subject) })
	return out, nil
}

// InspectDeadLetters is DeadLetters for transport.Inspector.
func (t *Transport) InspectDeadLetters(ctx context.Context, subject string, limit int) ([]transport.DeadLetter, error) {
	dls, err := t.DeadLetters(ctx, subject, limit)
	out := make([]transport.DeadLetter, len(dls))
	for i, dl := range dls {
		out[i] = transport.DeadLetter(dl)
	}
	return out, err
}
