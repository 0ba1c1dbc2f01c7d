package inmemory_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

type Shouter interface {
	Shout(ctx context.Context, s string) (string, error)
}

type shouter struct{}

func (shouter) Shout(ctx context.Context, s string) (string, error) {
	return strings.ToUpper(s) + "!", nil
}

type Greeting interface {
	Greet(ctx workflow.Context, name string) (string, error)
}

type greeting struct{}

func (greeting) Greet(ctx workflow.Context, name string) (string, error) {
	return workflow.Call(ctx, Shouter.Shout, "hello "+name)
}

func Example() {
	ctx := context.Background()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		if err := worker.AddService[Shouter](w, shouter{}); err != nil {
			return err
		}
		return worker.AddWorkflow(w, func() Greeting { return greeting{} })
	})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	got, err := client.Execute(ctx, d.Client, Greeting.Greet, "Ada")
	fmt.Println(got, err)
	// Output: HELLO ADA! <nil>
}
