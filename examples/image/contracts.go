package image

import (
	"context"

	"github.com/infinitic-go/infinitic/workflow"
)

// ImageUtil is the service contract: each method is a task.
type ImageUtil interface {
	// Download fetches the picture at url.
	Download(ctx context.Context, url string) ([]byte, error)
	// Resize scales a picture to in.Size pixels.
	Resize(ctx context.Context, in ResizeInput) ([]byte, error)
	// Upload stores a picture and returns its public URL.
	Upload(ctx context.Context, in UploadInput) (string, error)
	// Save records the URLs of a user's pictures and returns a confirmation.
	Save(ctx context.Context, in SaveInput) (string, error)
}

// ImageWorkflow is the workflow contract.
type ImageWorkflow interface {
	// Handle downloads in.URL, makes one version per size, uploads them
	// and saves their URLs for in.Email. It returns Save's confirmation.
	Handle(ctx workflow.Context, in HandleInput) (string, error)
}

// ResizeInput is the argument of ImageUtil.Resize.
type ResizeInput struct {
	Image []byte
	Size  int // wanted size, in pixels
}

// UploadInput is the argument of ImageUtil.Upload.
type UploadInput struct {
	Image []byte
	Size  int // size of Image, part of the URL
}

// SaveInput is the argument of ImageUtil.Save.
type SaveInput struct {
	Email string
	URLs  []string
}

// HandleInput is the argument of ImageWorkflow.Handle.
type HandleInput struct {
	Email string
	URL   string
	// Sizes are the versions to make. Default: DefaultSizes.
	Sizes []int
}

// DefaultSizes are the sizes Handle makes when HandleInput.Sizes is empty.
var DefaultSizes = []int{64, 128, 256}
