package infinitic

import "context"

// TaskInfo describes the task attempt a service method is running.
type TaskInfo struct {
	// ID is stable across the attempts of a task, manual retries
	// included: use it as an idempotency key, since a task may run more
	// than once.
	ID      string
	Service string
	Method  string
	// Attempt counts the automatic attempts (retries per the service's
	// RetryPolicy): 1 for the first.
	Attempt int
	// Delivery is 1 when the transport delivers this attempt for the first
	// time; more when it delivers it again because the attempt was not
	// concluded (a worker crashed or stopped, or could not publish the
	// outcome): the attempt may already have run, fully or in part.
	Delivery int
	// Generation counts the manual retries of the workflow instance
	// (client Run.RetryTasks, Run.RetryWorkflowTask) when it asked for this
	// task: 0 in the instance's first run. A task that a manual retry runs
	// again keeps its ID and starts again at Attempt 1, with a higher
	// Generation.
	Generation int
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
