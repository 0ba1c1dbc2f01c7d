package schedule

import "github.com/infinitic-go/infinitic/worker"

// Host registers workflow InfiniticSchedule on w, so that w runs
// schedules; opts tune it like any workflow (worker.WithConcurrency...).
// Any number of workers may host it: each schedule is one instance,
// stored with compare-and-set like any other, so its slots start once
// whichever engine handles it.
func Host(w *worker.Worker, opts ...worker.WorkflowOption) error {
	return worker.AddWorkflow(w, func() InfiniticSchedule { return &scheduler{} }, opts...)
}
