package bench

import (
	"context"
	"fmt"

	"github.com/infinitic-go/infinitic/workflow"
)

// The workload: a workflow of n sequential trivial tasks. Each task adds
// one to its input, so a workflow of n tasks returns n: a workflow whose
// result differs did not run its tasks as intended.

// BenchSteps is the service contract of the benchmark.
type BenchSteps interface {
	Step(ctx context.Context, in int) (int, error)
}

// BenchFlow is the workflow contract of the benchmark.
type BenchFlow interface {
	Sequential(ctx workflow.Context, tasks int) (int, error)
}

type steps struct{}

func (steps) Step(_ context.Context, in int) (int, error) { return in + 1, nil }

type flow struct{}

func (flow) Sequential(ctx workflow.Context, tasks int) (int, error) {
	v := 0
	for range tasks {
		var err error
		if v, err = workflow.Call(ctx, BenchSteps.Step, v); err != nil {
			return 0, err
		}
	}
	return v, nil
}

// checkResult reports a workflow whose result is not its task count.
func checkResult(got, tasks int) error {
	if got != tasks {
		return fmt.Errorf("bench: workflow of %d tasks returned %d", tasks, got)
	}
	return nil
}
