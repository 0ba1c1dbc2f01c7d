package infinitictest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/internal/wire"
)

// unhostedGrace is how long messages may wait on a subject that no worker
// consumes, with nothing else happening, before the test fails (Start
// already waited for the worker to consume its subjects).
const unhostedGrace = 500 * time.Millisecond

// watchUnhosted fails the test when the environment is idle while
// messages wait for a service or workflow that no worker consumes.
func (e *Env) watchUnhosted(ctx context.Context) {
	for {
		changed := e.Transport.Changed()
		if err := e.Transport.WaitIdle(ctx); err != nil {
			return
		}
		stuck := e.unhosted()
		var grace <-chan time.Time
		if stuck != "" {
			grace = time.After(unhostedGrace)
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-grace:
			e.t.Errorf("infinitictest: %s", stuck)
			_ = e.Client.Close() // a pending Await returns client.ErrClosed
			return
		}
	}
}

// unhosted describes the messages that wait for a service or a workflow
// that no worker hosts, or "" if there are none.
func (e *Env) unhosted() string {
	waiting := e.Transport.Unclaimed()
	for _, subject := range slices.Sorted(maps.Keys(waiting)) {
		n := waiting[subject]
		kind, name, add := "service", strings.TrimPrefix(subject, wire.ServiceSubject("")), "worker.AddService"
		if name == subject {
			kind, name, add = "workflow", strings.TrimPrefix(subject, wire.WorkflowSubject("")), "worker.AddWorkflow"
			if name == subject {
				name = strings.TrimPrefix(subject, wire.WorkflowInternalSubject(""))
			}
			if name == subject {
				continue // clients and task cancels: nobody must host them
			}
		}
		if slices.Contains(e.unhostedOK, name) {
			continue
		}
		if !e.started.Load() {
			return fmt.Sprintf("%d message(s) wait for %s %s, but env.Start() was never called: "+
				"register services and workflows on env.Worker, then call env.Start()", n, kind, name)
		}
		return fmt.Sprintf("no worker hosts %s %s (%d message(s) wait on %s): register it on env.Worker with %s before env.Start()",
			kind, name, n, subject, add)
	}
	return ""
}
