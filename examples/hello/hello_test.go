package main

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/worker"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newEnv(t *testing.T) *infinitictest.Env {
	t.Helper()
	env := infinitictest.New(t)
	if err := worker.AddService[HelloService](env.Worker, helloService{}); err != nil {
		t.Fatal(err)
	}
	if err := worker.AddWorkflow(env.Worker, func() HelloWorkflow { return helloWorkflow{} }); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return env
}

func TestGreet(t *testing.T) {
	env := newEnv(t)
	got, err := client.Execute(testCtx(t), env.Client, HelloWorkflow.Greet, "Ada")
	if err != nil {
		t.Fatal(err)
	}
	if got != "Hello, Ada!" {
		t.Fatalf("got %q, want %q", got, "Hello, Ada!")
	}
}

func TestGreetEmptyNameFailsWithoutRetry(t *testing.T) {
	env := newEnv(t)
	_, err := client.Execute(testCtx(t), env.Client, HelloWorkflow.Greet, "")
	var task *infinitic.TaskFailedError
	if !errors.As(err, &task) {
		t.Fatalf("want a TaskFailedError, got %v", err)
	}
	if task.Method != "SayHello" || task.Attempt != 1 {
		t.Fatalf("want SayHello failed at attempt 1, got %s at attempt %d", task.Method, task.Attempt)
	}
	var remote *infinitic.RemoteError
	if !errors.As(err, &remote) || remote.Message != errNoName.Error() {
		t.Fatalf("want the remote cause %q, got %v", errNoName, err)
	}
}

// TestRun runs what `go run ./examples/hello` runs, on the real clock.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(testCtx(t), "Grace", &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "Hello, Grace!\n" {
		t.Fatalf("printed %q", got)
	}
}
