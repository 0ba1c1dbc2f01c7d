// Package vetok is deterministic workflow code, for TestVet.
package vetok

import (
	"time"

	"github.com/infinitic-go/infinitic/workflow"
)

type Flows struct{}

func (Flows) Wait(ctx workflow.Context) (time.Time, error) {
	if err := workflow.Sleep(ctx, time.Second); err != nil {
		return time.Time{}, err
	}
	return workflow.Now(ctx), nil
}
