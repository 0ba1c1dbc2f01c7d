package e2e_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Shape is a sealed family: methods return it, callers get the concrete
// value back.
type Shape interface{ Area() float64 }

type Circle struct{ R float64 }
type Square struct{ Side float64 }
type Blob struct{} // not declared in the family

func (c Circle) Area() float64  { return math.Pi * c.R * c.R }
func (s *Square) Area() float64 { return s.Side * s.Side }
func (Blob) Area() float64      { return 0 }

var shapes = infinitic.Sealed[Shape](Circle{}, &Square{})

type Geometry interface {
	Make(ctx context.Context, kind string) (Shape, error)
}

type geometry struct{}

func (geometry) Make(_ context.Context, kind string) (Shape, error) {
	switch kind {
	case "circle":
		return Circle{R: 1}, nil
	case "square":
		return &Square{Side: 2}, nil
	case "none":
		return nil, nil
	}
	return Blob{}, nil
}

type Drawing interface {
	Draw(ctx workflow.Context, kind string) (Shape, error)
	Child(ctx workflow.Context, kind string) (Shape, error)
	Hold(ctx workflow.Context, kind string) (Shape, error)
	Last(ctx workflow.Context) (Shape, error)
}

type drawing struct{ last Shape }

// Draw gets a shape from a task and one from a child workflow, checks both
// are concrete values, and returns the child's.
func (d *drawing) Draw(ctx workflow.Context, kind string) (Shape, error) {
	s, err := workflow.Call(ctx, Geometry.Make, kind)
	if err != nil {
		return nil, err
	}
	d.last = s
	if _, ok := s.(*Square); kind == "square" && !ok {
		return nil, errors.New("the task's square came back as another type")
	}
	return workflow.CallChild(ctx, Drawing.Child, kind)
}

func (d *drawing) Child(ctx workflow.Context, kind string) (Shape, error) {
	return workflow.Call(ctx, Geometry.Make, kind)
}

// Hold keeps a shape in a field, then waits (until canceled).
func (d *drawing) Hold(ctx workflow.Context, kind string) (Shape, error) {
	var err error
	if d.last, err = workflow.Call(ctx, Geometry.Make, kind); err != nil {
		return nil, err
	}
	return d.last, workflow.Sleep(ctx, 1000*time.Hour)
}

func (d *drawing) Last(ctx workflow.Context) (Shape, error) { return d.last, nil }

func TestSealedReturnValues(t *testing.T) {
	env := infinitictest.New(t, infinitictest.WithAliases(shapes))
	if err := worker.AddService[Geometry](env.Worker, geometry{}); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() Drawing { return &drawing{} }, worker.WithCacheSize(0)); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	for _, tc := range []struct {
		kind string
		want Shape
	}{{"circle", Circle{R: 1}}, {"square", &Square{Side: 2}}, {"none", nil}} {
		got, err := client.Execute(ctx, env.Client, Drawing.Draw, tc.kind)
		if err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		switch want := tc.want.(type) {
		case *Square:
			if sq, ok := got.(*Square); !ok || *sq != *want {
				t.Fatalf("%s: got %#v", tc.kind, got)
			}
		default:
			if got != tc.want {
				t.Fatalf("%s: got %#v, want %#v", tc.kind, got, tc.want)
			}
		}
	}

	// A value of a type outside the family fails the task at once.
	_, err := client.Execute(ctx, env.Client, Drawing.Draw, "blob")
	var task *infinitic.TaskFailedError
	if !errors.As(err, &task) || task.Attempt != 1 || !errors.Is(err, infinitic.ErrInvalidContract) {
		t.Fatalf("undeclared variant: %v", err)
	}
}

func TestSealedGetter(t *testing.T) {
	env := infinitictest.New(t, infinitictest.WithAliases(shapes), infinitictest.WithoutTimeSkipping())
	if err := worker.AddService[Geometry](env.Worker, geometry{}); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() Drawing { return &drawing{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	ctx := testCtx(t)
	run, err := client.Start(ctx, env.Client, Drawing.Hold, "square")
	if err != nil {
		t.Fatal(err)
	}
	var got Shape
	waitFor(ctx, t, env, func() bool {
		got, err = client.Get(ctx, env.Client, Drawing.Last, run.ID())
		return err == nil && got != nil
	})
	if sq, ok := got.(*Square); !ok || sq.Side != 2 {
		t.Fatalf("getter: %#v", got)
	}
	if err := run.Cancel(ctx, "done"); err != nil {
		t.Fatal(err)
	}
}
