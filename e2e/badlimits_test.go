package e2e_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Big makes and echoes payloads of any size.
type Big interface {
	Make(ctx context.Context, n int) (string, error)
	Echo(ctx context.Context, s string) (string, error)
}

type big struct{}

func (big) Make(_ context.Context, n int) (string, error)    { return strings.Repeat("x", n), nil }
func (big) Echo(_ context.Context, s string) (string, error) { return s, nil }

// Limited pushes payloads and commands against the limits from workflow
// code.
type Limited interface {
	Echo(ctx workflow.Context, s string) (string, error)
	Output(ctx workflow.Context, n int) (string, error)
	TaskInput(ctx workflow.Context, n int) (string, error)
	TaskResult(ctx workflow.Context, n int) (string, error)
	// Parallel sends k task inputs of n bytes at once: each is within the
	// payload limit, together they outgrow a state the NATS store takes.
	Parallel(ctx workflow.Context, n int) (int, error)
	// Loop calls a task n times in sequence (a history of 2n+1 records).
	Loop(ctx workflow.Context, n int) (int, error)
}

var LimitedValues = workflow.NewChannel[Limited, string]("values")

type limited struct{}

func (limited) Echo(ctx workflow.Context, s string) (string, error) {
	return workflow.Call(ctx, Big.Echo, s)
}

func (limited) Output(_ workflow.Context, n int) (string, error) { return strings.Repeat("x", n), nil }

func (limited) TaskInput(ctx workflow.Context, n int) (string, error) {
	return workflow.Call(ctx, Big.Echo, strings.Repeat("x", n))
}

func (limited) TaskResult(ctx workflow.Context, n int) (string, error) {
	return workflow.Call(ctx, Big.Make, n)
}

func (limited) Parallel(ctx workflow.Context, n int) (int, error) {
	var all []workflow.Deferred[string]
	for range 5 {
		all = append(all, workflow.Dispatch(ctx, Big.Echo, strings.Repeat("x", n)))
	}
	got, err := workflow.All(all...).Await(ctx)
	return len(got), err
}

func (limited) Loop(ctx workflow.Context, n int) (int, error) {
	for i := range n {
		if _, err := workflow.Call(ctx, Big.Echo, "x"); err != nil {
			return i, err
		}
	}
	return n, nil
}

func registerLimited(t *testing.T, w *worker.Worker) {
	t.Helper()
	if err := errors.Join(
		worker.AddService[Big](w, big{}),
		worker.AddWorkflow(w, func() Limited { return limited{} }),
	); err != nil {
		t.Fatal(err)
	}
}

// wantLimit checks that err is a *infinitic.LimitError (or carries one
// across the wire) for limit, and names what.
func wantLimit(t *testing.T, call string, err error, limit, what string) {
	t.Helper()
	var le *infinitic.LimitError
	switch {
	case !errors.Is(err, infinitic.ErrLimitExceeded):
		t.Errorf("%s: want an error matching ErrLimitExceeded, got %v", call, err)
	case !strings.Contains(err.Error(), limit) || !strings.Contains(err.Error(), what):
		t.Errorf("%s: error does not name %s and %q: %v", call, limit, what, err)
	case errors.As(err, &le) && le.Limit != limit:
		t.Errorf("%s: LimitError.Limit = %q, want %q", call, le.Limit, limit)
	}
}

// Issue 10, "Limits, validated up front": values over a limit fail where
// they are given, with an error naming the limit; nothing reaches the
// broker or the store, and the workers go on (a long id once made the NATS
// server close their connections).
func TestBadInputOverLimitsFailsAtOnce(t *testing.T) {
	longID := strings.Repeat("i", infinitic.MaxIDLength+1)
	tooBig := infinitic.MaxPayloadSize + 1
	onBackends(t, registerLimited, func(t *testing.T, d *deployment) {
		ctx := testCtx(t)
		c := d.Client
		manyTags := make([]string, infinitic.MaxTags+1)
		for i := range manyTags {
			manyTags[i] = "t" + strings.Repeat("x", i)
		}
		starts := []struct {
			name        string
			in          string
			opts        []client.StartOption
			limit, what string
		}{
			{"long id", "a", []client.StartOption{client.WithID(longID)}, "MaxIDLength", "workflow id"},
			{"id with a newline", "a", []client.StartOption{client.WithID("a\nb")}, "IDCharacters", "workflow id"},
			{"id not UTF-8", "a", []client.StartOption{client.WithID("a\xffb")}, "IDCharacters", "workflow id"},
			{"long tag", "a", []client.StartOption{client.WithTags(longID)}, "MaxIDLength", "tag"},
			{"too many tags", "a", []client.StartOption{client.WithTags(manyTags...)}, "MaxTags", "number of tags"},
			{"long custom id", "a", []client.StartOption{client.WithCustomID(longID)}, "MaxIDLength", "custom id"},
			{"large input", strings.Repeat("x", tooBig), nil, "MaxPayloadSize", "input of Limited.Echo"},
		}
		for _, s := range starts {
			_, err := client.Start(ctx, c, Limited.Echo, s.in, s.opts...)
			wantLimit(t, "Start with "+s.name, err, s.limit, s.what)
		}
		// Other calls take the ids of child workflows too, which grow
		// with nesting: they refuse ids over wire.MaxWireIDLength.
		err := client.Send(ctx, c, LimitedValues, strings.Repeat("i", wire.MaxWireIDLength+1), "v")
		wantLimit(t, "Send to a long id", err, "MaxIDLength", "workflow id")
		_, err = client.FindByTag[Limited](ctx, c, longID)
		wantLimit(t, "FindByTag", err, "MaxIDLength", "tag")
		err = client.Send(ctx, c, LimitedValues, "some-id", strings.Repeat("x", tooBig))
		wantLimit(t, "Send", err, "MaxPayloadSize", "value sent on channel values")

		// From workflow code and tasks: the workflow fails, naming the limit.
		fromCode := []struct {
			name        string
			method      func(Limited, workflow.Context, int) (string, error)
			limit, what string
		}{
			{"workflow output", Limited.Output, "MaxPayloadSize", "output of Limited.Output"},
			{"task input", Limited.TaskInput, "MaxPayloadSize", "input of task Big.Echo"},
			{"task result", Limited.TaskResult, "MaxPayloadSize", "result of task Big.Make"},
		}
		for _, f := range fromCode {
			_, err := client.Execute(ctx, c, f.method, tooBig)
			wantLimit(t, f.name, err, f.limit, f.what)
		}
		var task *infinitic.TaskFailedError
		if _, err := client.Execute(ctx, c, Limited.TaskResult, tooBig); !errors.As(err, &task) || task.Attempt != 1 {
			t.Errorf("a task result over the limit must fail the task at its first attempt, got %v", err)
		}
		if got, err := client.Execute(ctx, c, Limited.Echo, "still here"); err != nil || got != "still here" {
			t.Fatalf("a workflow after the bad input: %q %v", got, err)
		}
	})
}

// Issue 10, item 4: a state the store cannot take (NATS KV: 1 MiB by
// default) fails its instance with an error naming MaxStateSize, instead
// of failing to save forever; other workflows go on.
func TestStateOverTheStoreLimitFailsTheInstance(t *testing.T) {
	d := startEmbedded(t, registerLimited)
	ctx := testCtx(t)
	_, err := client.Execute(ctx, d.Client, Limited.Parallel, infinitic.MaxPayloadSize-10)
	wantLimit(t, "Parallel", err, "MaxStateSize", "state of Limited")
	if got, err := client.Execute(ctx, d.Client, Limited.Echo, "still here"); err != nil || got != "still here" {
		t.Fatalf("a workflow after the bad one: %q %v", got, err)
	}
}
