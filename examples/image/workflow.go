package image

import (
	"github.com/infinitic-go/infinitic/workflow"
)

// imageWorkflow implements ImageWorkflow. It has no fields: a fresh value
// runs each instance.
type imageWorkflow struct{}

// NewWorkflow returns an ImageWorkflow implementation, the factory to give
// worker.AddWorkflow.
func NewWorkflow() ImageWorkflow { return imageWorkflow{} }

func (imageWorkflow) Handle(ctx workflow.Context, in HandleInput) (string, error) {
	img, err := workflow.Call(ctx, ImageUtil.Download, in.URL)
	if err != nil {
		return "", err
	}
	sizes := in.Sizes
	if len(sizes) == 0 {
		sizes = DefaultSizes
	}
	// One branch per size: the resizes and uploads of all sizes run in
	// parallel on the service workers.
	var urls []workflow.Deferred[string]
	for _, size := range sizes {
		urls = append(urls, workflow.Async(ctx, func(ctx workflow.Context) (string, error) {
			resized, err := workflow.Call(ctx, ImageUtil.Resize, ResizeInput{Image: img, Size: size})
			if err != nil {
				return "", err
			}
			return workflow.Call(ctx, ImageUtil.Upload, UploadInput{Image: resized, Size: size})
		}))
	}
	list, err := workflow.All(urls...).Await(ctx)
	if err != nil {
		return "", err
	}
	return workflow.Call(ctx, ImageUtil.Save, SaveInput{Email: in.Email, URLs: list})
}
