package bench

import (
	"context"
	"errors"

	"github.com/infinitic-go/infinitic/otelinfinitic"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// telemetry returns the otelinfinitic interceptor of -otel: every span
// recorded and batched to an exporter that discards it, every metric
// aggregated (as a Prometheus exporter would).
func telemetry() (*otelinfinitic.Interceptor, func(), error) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()), sdktrace.WithIDGenerator(otelinfinitic.IDGenerator()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	shutdown := func() { _ = errors.Join(tp.Shutdown(context.Background()), mp.Shutdown(context.Background())) }
	o, err := otelinfinitic.New(otelinfinitic.Config{TracerProvider: tp, MeterProvider: mp})
	if err != nil {
		shutdown()
		return nil, nil, err
	}
	return o, shutdown, nil
}
