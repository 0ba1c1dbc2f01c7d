package admin

import (
	"context"

	"github.com/infinitic-go/infinitic/replayer"
)

// Export returns the history of a running or failed instance, to replay
// it against changed code (package replayer) or keep it as a test case;
// `infinitic workflow export` prints it as JSON. It fails with an error
// matching infinitic.ErrInstanceNotFound if there is no such instance, and
// replayer.ErrNoHistory if it completed or was canceled (only the outcome
// is kept).
func (a *Admin) Export(ctx context.Context, workflow, id string) (*replayer.History, error) {
	if err := names(workflow); err != nil {
		return nil, err
	}
	return replayer.Load(ctx, a.st, workflow, id)
}
