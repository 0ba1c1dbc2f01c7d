// Package vet is workflow code with one mistake, for TestVet.
package vet

import (
	"time"

	"github.com/infinitic-go/infinitic/workflow"
)

type Flows struct{}

func (Flows) Wait(ctx workflow.Context) (time.Time, error) {
	time.Sleep(time.Second)
	return workflow.Now(ctx), nil
}
