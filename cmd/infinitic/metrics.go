package main

import (
	"context"
	"errors"

	"github.com/infinitic-go/infinitic/internal/health"
	"github.com/infinitic-go/infinitic/otelinfinitic/prom"
)

// serveMetrics serves the process's metrics as /metrics on addr, with
// the probes (ready tells /readyz); stop stops serving.
func serveMetrics(addr string, ready func() error) (stop func(), err error) {
	mp, handler, err := prom.New()
	if err != nil {
		return nil, err
	}
	srv, err := health.Listen(addr, ready, handler)
	if err != nil {
		return nil, errors.Join(err, mp.Shutdown(context.Background()))
	}
	return func() { _ = errors.Join(srv.Close(), mp.Shutdown(context.Background())) }, nil
}
