// Command hello is the smallest infinitic-go program: a service with two
// tasks and a workflow that calls them one after the other, run in one
// process on the in-memory transport and store.
//
//	go run ./examples/hello Ada
//
// The contracts (Go interfaces) are shared by the workflow code, the worker
// that implements them and the client that starts workflows.
package main

import (
	"context"

	"github.com/infinitic-go/infinitic/workflow"
)

// HelloService is a service contract: each method is a task that a service
// worker runs, with retries, on behalf of a workflow.
type HelloService interface {
	// SayHello returns "Hello, <name>".
	SayHello(ctx context.Context, name string) (string, error)
	// AddEnthusiasm appends an exclamation mark.
	AddEnthusiasm(ctx context.Context, s string) (string, error)
}

// HelloWorkflow is a workflow contract: its methods are durable workflow
// code, replayed from their history.
type HelloWorkflow interface {
	// Greet greets name through HelloService's two tasks.
	Greet(ctx workflow.Context, name string) (string, error)
}
