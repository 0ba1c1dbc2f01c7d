package prom_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/interceptor"
	"github.com/infinitic-go/infinitic/otelinfinitic"
	"github.com/infinitic-go/infinitic/otelinfinitic/prom"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport/memory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

type Greeter interface {
	Greet(ctx context.Context, name string) (string, error)
}

type Welcome interface {
	Run(ctx workflow.Context, name string) (string, error)
}

type greeter struct{}

func (greeter) Greet(_ context.Context, name string) (string, error) { return "hello " + name, nil }

type welcome struct{}

func (welcome) Run(ctx workflow.Context, name string) (string, error) {
	return workflow.Call(ctx, Greeter.Greet, name)
}

// A worker serving its metrics as /metrics, next to its probes.
func Example() {
	ctx := context.Background()
	mp, metrics, err := prom.New()
	if err != nil {
		panic(err)
	}
	defer func() { _ = mp.Shutdown(ctx) }()
	o, err := otelinfinitic.New(otelinfinitic.Config{MeterProvider: mp})
	if err != nil {
		panic(err)
	}
	tr, st := memory.New(), memstore.New()
	defer tr.Close()
	quiet := slog.New(slog.DiscardHandler)
	w, _ := worker.New(worker.Config{Transport: o.Transport(tr), Store: st, Logger: quiet,
		HealthAddr: "127.0.0.1:0", Metrics: metrics, Interceptors: []interceptor.Interceptor{o}})
	_ = worker.AddService[Greeter](w, greeter{})
	_ = worker.AddWorkflow(w, func() Welcome { return welcome{} })
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- w.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			fmt.Println(err)
		}
	}()

	c, _ := client.New(ctx, client.Config{Transport: tr, Logger: quiet})
	defer c.Close()
	for _, name := range []string{"Ada", "Grace"} {
		if _, err := client.Execute(ctx, c, Welcome.Run, name); err != nil {
			panic(err)
		}
	}
	for w.HealthAddr() == "" { // served once Run started
		time.Sleep(time.Millisecond)
	}
	resp, err := http.Get("http://" + w.HealthAddr() + "/metrics")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "infinitic_workflow_ended_total") || strings.HasPrefix(lines.Text(), "infinitic_workflow_started_total") {
			fmt.Println(lines.Text())
		}
	}
	// Output:
	// infinitic_workflow_ended_total{infinitic_workflow_name="Welcome",infinitic_workflow_status="completed",otel_scope_name="github.com/infinitic-go/infinitic/otelinfinitic",otel_scope_schema_url="",otel_scope_version=""} 2
	// infinitic_workflow_started_total{infinitic_workflow_name="Welcome",otel_scope_name="github.com/infinitic-go/infinitic/otelinfinitic",otel_scope_schema_url="",otel_scope_version=""} 2
}
