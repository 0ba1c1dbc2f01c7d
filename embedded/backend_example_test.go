package embedded_test

import (
	"context"
	"fmt"
	"os"

	"github.com/infinitic-go/infinitic/embedded"
)

// Open gives the durable default backend in one call.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "infinitic-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	b, err := embedded.Open(context.Background(), embedded.Config{DataDir: dir})
	if err != nil {
		panic(err)
	}
	defer b.Close()
	// worker.Config{Transport: b.Transport, Store: b.Store}, client.Config{Transport: b.Transport}
	fmt.Println(b.Transport != nil, b.Store != nil, b.Server.ClientURL() == "")
	// Output: true true true
}
