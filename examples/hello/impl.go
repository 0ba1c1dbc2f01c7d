package main

import (
	"context"
	"errors"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/workflow"
)

// helloService implements HelloService.
type helloService struct{}

// errNoName is returned for an empty name. Retrying cannot help, so it is
// marked non-retryable.
var errNoName = errors.New("hello: empty name")

func (helloService) SayHello(ctx context.Context, name string) (string, error) {
	if name == "" {
		return "", infinitic.NonRetryable(errNoName)
	}
	return "Hello, " + name, nil
}

func (helloService) AddEnthusiasm(ctx context.Context, s string) (string, error) {
	return s + "!", nil
}

// helloWorkflow implements HelloWorkflow. A fresh value runs each instance.
type helloWorkflow struct{}

func (helloWorkflow) Greet(ctx workflow.Context, name string) (string, error) {
	greeting, err := workflow.Call(ctx, HelloService.SayHello, name)
	if err != nil {
		return "", err
	}
	return workflow.Call(ctx, HelloService.AddEnthusiasm, greeting)
}
