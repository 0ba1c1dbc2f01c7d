package broker_test

import (
	"context"
	"fmt"
	"os"

	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/embedded"
)

// Connect opens the transport and the store on a server of another
// process; here, `infinitic server`'s embedded server on a free port.
func ExampleConnect() {
	dir, err := os.MkdirTemp("", "infinitic-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	srv, err := embedded.Start(embedded.Config{DataDir: dir, Listen: "127.0.0.1:0"})
	if err != nil {
		panic(err)
	}
	defer srv.Shutdown()

	b, err := broker.Connect(context.Background(), broker.Config{URL: srv.ClientURL()})
	if err != nil {
		panic(err)
	}
	defer b.Close()
	// worker.Config{Transport: b.Transport, Store: b.Store}, client.Config{Transport: b.Transport}
	fmt.Println(b.Conn.IsConnected(), b.Transport != nil, b.Store != nil)
	// Output: true true true
}
