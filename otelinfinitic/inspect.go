package otelinfinitic

import (
	"context"

	"github.com/infinitic-go/infinitic/transport"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// ObserveTransport reports, at each collection, the messages waiting on
// each subject and consumer group of tr (infinitic.messaging.pending and
// infinitic.messaging.in_flight) and its dead letters kept
// (infinitic.messaging.dead_letters.kept). Unregister the result to stop.
func (o *Interceptor) ObserveTransport(tr transport.Inspector) (metric.Registration, error) {
	return o.meter.RegisterCallback(func(ctx context.Context, obs metric.Observer) error {
		subjects, err := tr.Inspect(ctx)
		if err != nil {
			return err
		}
		for _, s := range subjects {
			dest := keyDestination.String(subjectName(s.Subject))
			obs.ObserveInt64(o.m.deadLettersKept, int64(s.DeadLetters), metric.WithAttributes(dest))
			for _, g := range s.Groups {
				at := metric.WithAttributes(dest, attribute.String("messaging.consumer.group.name", g.Group))
				obs.ObserveInt64(o.m.pending, int64(g.Pending), at)
				obs.ObserveInt64(o.m.inFlight, int64(g.InFlight), at)
			}
		}
		return nil
	}, o.m.pending, o.m.inFlight, o.m.deadLettersKept)
}
