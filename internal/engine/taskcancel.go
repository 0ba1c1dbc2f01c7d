package engine

import (
	"context"
	"errors"
	"sync"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// maxCanceled bounds the canceled task ids an executor remembers (to skip
// their later attempts).
const maxCanceled = 10_000

// taskCanceler lets a task cancel reach the attempt running it: running
// attempts register their context's cancel function under their task id.
type taskCanceler struct {
	mu       sync.Mutex
	running  map[string]context.CancelCauseFunc
	canceled map[string]bool
	order    []string // canceled ids, oldest first
}

func newTaskCanceler() *taskCanceler {
	return &taskCanceler{running: map[string]context.CancelCauseFunc{}, canceled: map[string]bool{}}
}

// errTaskCanceled is the cause of an attempt's context when its task was
// canceled (its workflow was canceled, or the workflow canceled it).
var errTaskCanceled = &infinitic.CanceledError{Reason: "task canceled"}

// start registers an attempt of taskID; its context is canceled if the
// task is (at once if it already was). Call done when the attempt ends.
func (tc *taskCanceler) start(ctx context.Context, taskID string) (_ context.Context, done func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.canceled[taskID] {
		cancel(errTaskCanceled)
	}
	tc.running[taskID] = cancel
	return ctx, func() {
		tc.mu.Lock()
		delete(tc.running, taskID)
		tc.mu.Unlock()
		cancel(nil)
	}
}

// cancel cancels the attempt running taskID, if any, and remembers it.
func (tc *taskCanceler) cancel(taskID string) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if cancel, ok := tc.running[taskID]; ok {
		cancel(errTaskCanceled)
	}
	if !tc.canceled[taskID] {
		tc.canceled[taskID] = true
		tc.order = append(tc.order, taskID)
		if len(tc.order) > maxCanceled {
			delete(tc.canceled, tc.order[0])
			tc.order = tc.order[1:]
		}
	}
}

// isCanceled tells whether taskID was canceled (recently).
func (tc *taskCanceler) isCanceled(taskID string) bool {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.canceled[taskID]
}

// consumeCancels applies the task cancels of the executor's service until
// ctx is done. Each executor has its own group: every one gets each cancel.
func (x *Executor) consumeCancels(ctx context.Context) {
	group := transport.EphemeralGroup + "executor-" + uuid.NewString()
	c, err := consume(ctx, x.Transport, wire.CancelSubject(x.cfg.Contract.Name), group, x.logger)
	if err != nil {
		if ctx.Err() == nil {
			x.logger.Error("cannot receive task cancels: canceled tasks will run to their end", "err", err)
		}
		return
	}
	defer c.Close()
	consumeLoop(ctx, c, 64, x.logger, func(ds []transport.Delivery) {
		for _, d := range ds {
			env, err := wire.DecodeEnvelope(d.Message().Data)
			if err != nil || env.Cancel == nil || env.Cancel.TaskID == "" {
				_ = d.DeadLetter("not a task cancel: " + errors.Join(err).Error())
				continue
			}
			x.cancels.cancel(env.Cancel.TaskID)
			_ = d.Ack()
		}
	})
}
