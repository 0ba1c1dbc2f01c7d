package interceptor_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/interceptor"
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

// Greet reads the tenant that the client's interceptor set: the tasks
// interceptor put it in the context.
func (greeter) Greet(ctx context.Context, name string) (string, error) {
	return fmt.Sprintf("hello %s (tenant %s)", name, ctx.Value(tenantKey{})), nil
}

type welcome struct{}

func (welcome) Run(ctx workflow.Context, name string) (string, error) {
	return workflow.Call(ctx, Greeter.Greet, name)
}

type tenantKey struct{}

// tenancy carries the caller's tenant from the client's context to the
// tasks' contexts, through the messages' headers, and logs each step
// (never during replays: steps are not replayed).
type tenancy struct {
	interceptor.Base
	mu    sync.Mutex
	steps []string
}

func (*tenancy) InterceptCall(ctx context.Context, c *interceptor.Call, next interceptor.Next) error {
	if tenant, ok := ctx.Value(tenantKey{}).(string); ok {
		c.Headers.Set("tenant", tenant)
	}
	return next(ctx)
}

func (*tenancy) InterceptTask(ctx context.Context, t *interceptor.Task, next interceptor.Next) error {
	return next(context.WithValue(ctx, tenantKey{}, t.Headers.Get("tenant")))
}

func (tn *tenancy) InterceptStep(ctx context.Context, s *interceptor.Step, next interceptor.Next) error {
	err := next(ctx)
	tn.mu.Lock()
	defer tn.mu.Unlock()
	tn.steps = append(tn.steps, fmt.Sprintf("step of %s (tenant %s): %v → %s", s.Workflow, s.Origin.Get("tenant"), kinds(s.Messages), s.Status))
	return err
}

func kinds(ms []interceptor.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Kind)
	}
	return out
}

// A tenant set by the client reaches the tasks of the workflows it starts.
func Example() {
	ctx := context.Background()
	tr, st := memory.New(), memstore.New()
	defer tr.Close()
	quiet := slog.New(slog.DiscardHandler)
	tn := &tenancy{}
	w, _ := worker.New(worker.Config{Transport: tr, Store: st, Logger: quiet, Interceptors: []interceptor.Interceptor{tn}})
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

	c, _ := client.New(ctx, client.Config{Transport: tr, Logger: quiet, Interceptors: []interceptor.Interceptor{tn}})
	defer c.Close()
	got, err := client.Execute(context.WithValue(ctx, tenantKey{}, "acme"), c, Welcome.Run, "Ada")
	if err != nil {
		panic(infinitic.ErrorChain(err))
	}
	fmt.Println(got)
	tn.mu.Lock()
	defer tn.mu.Unlock()
	for _, s := range tn.steps {
		fmt.Println(s)
	}
	// Output:
	// hello Ada (tenant acme)
	// step of Welcome (tenant acme): [start] → running
	// step of Welcome (tenant acme): [completed] → completed
}
