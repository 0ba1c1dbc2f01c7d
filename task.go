package infinitic

import "context"

// TaskInfo describes the task attempt a service method is running.
type TaskInfo struct {
	// ID is stable across the attempts of a task: use it as an
	// idempotency key, since a task may run more than once.
	ID         string
	Service    string
	Method     string
	Attempt    int // 1 for the first attempt
	WorkflowID string
	Workflow   string
	Meta       map[string]string
}

type taskKey struct{}

// WithTask returns a context carrying t. Workers set it for each attempt;
// it is also handy to unit-test a service method.
func WithTask(ctx context.Context, t TaskInfo) context.Context {
	return context.WithValue(ctx, taskKey{}, t)
}

// TaskFrom returns the task attempt a service method runs for.
func TaskFrom(ctx context.Context) (TaskInfo, bool) {
	t, ok := ctx.Value(taskKey{}).(TaskInfo)
	return t, ok
}
