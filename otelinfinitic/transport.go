package otelinfinitic

import (
	"context"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/transport"
	"go.opentelemetry.io/otel/metric"
)

// Transport returns tr counting what goes through it: fetched batches
// (per subject), redeliveries, dead letters and publications. It keeps
// tr's transport.Limited.
func (o *Interceptor) Transport(tr transport.Transport) transport.Transport {
	t := &measured{Transport: tr, m: o.m}
	if l, ok := tr.(transport.Limited); ok {
		return limited{t, l}
	}
	return t
}

type measured struct {
	transport.Transport
	m *instruments
}

type limited struct {
	*measured
	transport.Limited
}

func (t *measured) Publish(ctx context.Context, msgs ...transport.Message) error {
	err := t.Transport.Publish(ctx, msgs...)
	if err == nil {
		t.m.published.Add(ctx, int64(len(msgs)))
	}
	return err
}

func (t *measured) Consume(ctx context.Context, subject, group string) (transport.Consumer, error) {
	c, err := t.Transport.Consume(ctx, subject, group)
	if err != nil {
		return nil, err
	}
	return &consumer{Consumer: c, m: t.m, at: metric.WithAttributes(keyDestination.String(subjectName(subject)))}, nil
}

// subjectName is subject, with client subjects (one per client) folded
// into one name.
func subjectName(subject string) string {
	if strings.HasPrefix(subject, "client.") {
		return "client.*"
	}
	return subject
}

type consumer struct {
	transport.Consumer
	m  *instruments
	at metric.MeasurementOption
}

func (c *consumer) Fetch(ctx context.Context, limit int, maxWait time.Duration) ([]transport.Delivery, error) {
	ds, err := c.Consumer.Fetch(ctx, limit, maxWait)
	if len(ds) == 0 {
		return ds, err
	}
	c.m.fetched.Record(ctx, int64(len(ds)), c.at)
	for i, d := range ds {
		if d.Attempt() > 1 {
			c.m.redeliveries.Add(ctx, 1, c.at)
		}
		ds[i] = delivery{d, c}
	}
	return ds, err
}

type delivery struct {
	transport.Delivery
	c *consumer
}

func (d delivery) DeadLetter(reason string) error {
	err := d.Delivery.DeadLetter(reason)
	if err == nil {
		d.c.m.deadLetters.Add(context.Background(), 1, d.c.at)
	}
	return err
}
