// Package prom serves OpenTelemetry metrics in the Prometheus format: New
// returns a MeterProvider to give to otelinfinitic.Config and the handler
// to serve as /metrics (worker.Config.Metrics, or a mux of your own).
package prom

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// New returns a MeterProvider whose metrics handler serves, with the Go
// runtime's and the process's, from a registry of their own. Shut the
// provider down when done.
func New() (*sdkmetric.MeterProvider, http.Handler, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, nil, err
	}
	return sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter)), promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), nil
}
