package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

type Greeter interface {
	Greet(ctx context.Context, name string) (string, error)
}

type greeter struct{}

func (greeter) Greet(_ context.Context, name string) (string, error) { return "Hello, " + name, nil }

type Welcome interface {
	Welcome(ctx workflow.Context, name string) (string, error)
}

type welcome struct{}

func (welcome) Welcome(ctx workflow.Context, name string) (string, error) {
	return workflow.Call(ctx, Greeter.Greet, name)
}

// Start a workflow by name with JSON input, await its JSON result and
// describe the instance, without the workflow's Go types.
func Example() {
	ctx := context.Background()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		if err := worker.AddService[Greeter](w, greeter{}); err != nil {
			return err
		}
		return worker.AddWorkflow(w, func() Welcome { return welcome{} })
	})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()

	a, err := admin.New(ctx, admin.Config{Transport: d.Transport, Store: d.Store})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	id, err := a.Start(ctx, "Welcome", "Welcome", json.RawMessage(`"Ada"`), admin.StartOptions{ID: "welcome-ada"})
	if err != nil {
		log.Fatal(err)
	}
	out, err := a.Await(ctx, "Welcome", id)
	if err != nil {
		log.Fatal(err)
	}
	in, err := a.Describe(ctx, "Welcome", id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(out), in.Status, in.Method)
	// Output: "Hello, Ada" completed Welcome
}

// List instances by status, newest first, and read the history of one.
func ExampleAdmin_List() {
	ctx := context.Background()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		if err := worker.AddService[Greeter](w, greeter{}); err != nil {
			return err
		}
		return worker.AddWorkflow(w, func() Welcome { return welcome{} })
	})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	a, err := admin.New(ctx, admin.Config{Transport: d.Transport, Store: d.Store})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	for _, name := range []string{"Ada", "Grace"} {
		id, err := a.Start(ctx, "Welcome", "Welcome", json.RawMessage(`"`+name+`"`), admin.StartOptions{ID: "welcome-" + name, Tags: []string{"team:docs"}})
		if err != nil {
			log.Fatal(err)
		}
		if _, err := a.Await(ctx, "Welcome", id); err != nil {
			log.Fatal(err)
		}
	}
	page, err := a.List(ctx, "Welcome", admin.Filter{Status: []admin.Status{admin.StatusCompleted}, Tag: "team:docs"}, 10, "")
	if err != nil {
		log.Fatal(err)
	}
	for _, in := range page.Instances {
		fmt.Println(in.ID, in.Status, string(in.Output))
	}
	// Unordered output:
	// welcome-Ada completed "Hello, Ada"
	// welcome-Grace completed "Hello, Grace"
}
