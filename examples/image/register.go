package image

import "github.com/infinitic-go/infinitic/worker"

// Register adds the ImageUtil service, implemented by util, and the
// ImageWorkflow to w. A deployment that splits services and workflows
// across workers calls worker.AddService and worker.AddWorkflow itself.
func Register(w *worker.Worker, util ImageUtil) error {
	if err := worker.AddService(w, util); err != nil {
		return err
	}
	return worker.AddWorkflow(w, NewWorkflow)
}
