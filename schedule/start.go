package schedule

import (
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/internal/replay"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/workflow"
)

// startRun starts call as instance id: a child workflow of the schedule,
// but detached, so that deleting the schedule (a cancel) or its
// continue-as-new leave it running. Its id makes it exactly-once: the
// command is recorded once in the schedule's history, and a start of an
// id that already exists joins that instance. The Deferred ends with the
// run (its result is not decoded: the schedule only needs to know it
// ended).
func startRun(ctx workflow.Context, call client.Call, id string, tags []string, meta map[string]string) workflow.Deferred[struct{}] {
	return workflow.Async(ctx, func(ctx workflow.Context) (struct{}, error) {
		co := replay.Context(ctx).Coroutine()
		f := co.Issue(replay.Request{
			Command: wire.Command{Kind: wire.CommandChild, Target: call.Workflow + "." + call.Method},
			Service: call.Workflow, Method: call.Method, Input: call.Input,
			ChildID: id, Detached: true, Tags: tags, Meta: meta,
		}, func([]byte) (any, error) { return struct{}{}, nil })
		co.Await(f)
		_, err := f.Outcome()
		return struct{}{}, err
	})
}
