package client

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/conn"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/workflow"
)

// The by-tag functions act on every running instance of a workflow that
// has a tag (Config.Store holds the index). Each names the workflow the way
// the per-instance operation does: with a method expression when it starts
// a method, a channel when it sends, the type parameter W otherwise. They
// read the index a page at a time; instances that finish meanwhile are
// skipped, instances that start meanwhile may or may not be included. They
// return how many instances the operation was applied to.

// FindByTag returns the ids of the running instances of workflow W that
// have tag. It needs Config.Store. Instances finishing meanwhile may or may
// not be listed.
func FindByTag[W any](ctx context.Context, c *Client, tag string) ([]string, error) {
	var ids []string
	err := eachTagged[W](ctx, c, tag, func(_, id string) error {
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

// SendByTag sends v to channel ch of every running instance of W tagged
// tag (see Send) and returns how many accepted it.
func SendByTag[W, T any](ctx context.Context, c *Client, ch workflow.Channel[W, T], tag string, v T) (int, error) {
	return forEachTagged[W](ctx, c, tag, func(_, id string) error { return Send(ctx, c, ch, id, v) })
}

// CancelByTag cancels every running instance of workflow W tagged tag (see
// Run.Cancel) and returns how many it canceled.
func CancelByTag[W any](ctx context.Context, c *Client, tag, reason string) (int, error) {
	return forEachTagged[W](ctx, c, tag, func(name, id string) error { return c.conn.Cancel(ctx, name, id, reason) })
}

// CompleteTimersByTag fires the pending timers of every running instance
// of workflow W tagged tag (see Run.CompleteTimers) and returns how many
// instances applied it.
func CompleteTimersByTag[W any](ctx context.Context, c *Client, tag string) (int, error) {
	return forEachTagged[W](ctx, c, tag, func(name, id string) error {
		return c.conn.Operate(ctx, name, id, &wire.Admin{Op: wire.AdminCompleteTimers})
	})
}

// StartMethodByTag starts method with argument in on every running
// instance of its workflow tagged tag, in parallel with their other
// methods (see StartMethod), and returns on how many it was dispatched.
// Nobody awaits these method runs: to get their results, start them one by
// one with StartMethod on the ids of FindByTag.
func StartMethodByTag[W, I, O any](ctx context.Context, c *Client, method func(W, workflow.Context, I) (O, error), tag string, in I) (int, error) {
	return startMethodByTag[W](ctx, c, method, tag, in, true)
}

// StartMethodByTag0 is StartMethodByTag for a method without argument.
func StartMethodByTag0[W, O any](ctx context.Context, c *Client, method func(W, workflow.Context) (O, error), tag string) (int, error) {
	return startMethodByTag[W](ctx, c, method, tag, nil, false)
}

func startMethodByTag[W any](ctx context.Context, c *Client, method any, tag string, in any, hasInput bool) (int, error) {
	call, err := c.methodCall(method, in, hasInput)
	if err != nil {
		return 0, err
	}
	return forEachTagged[W](ctx, c, tag, func(_, id string) error {
		if err := c.conn.Publish(ctx, wire.StartMessage(call.workflow, id, call.dispatch(uuid.NewString()))); err != nil {
			return call.failed(id, err)
		}
		return nil
	})
}

// forEachTagged applies op to each running instance of W tagged tag and
// counts those that accepted it, skipping those that finished meanwhile.
func forEachTagged[W any](ctx context.Context, c *Client, tag string, op func(workflow, id string) error) (int, error) {
	n := 0
	err := eachTagged[W](ctx, c, tag, func(name, id string) error {
		err := op(name, id)
		if err == nil {
			n++
		}
		return skipFinished(err)
	})
	return n, err
}

func skipFinished(err error) error {
	if errors.Is(err, infinitic.ErrWorkflowFinished) {
		return nil
	}
	return err
}

// eachTagged calls fn with the wire name of W and the id of each instance
// of W tagged tag.
func eachTagged[W any](ctx context.Context, c *Client, tag string, fn func(workflow, id string) error) error {
	if c.cfg.Store == nil {
		return errors.New("client: Config.Store is required to find instances by tag")
	}
	name, err := c.names.Contract(reflect.TypeFor[W]())
	if err != nil {
		return fmt.Errorf("client: %w: %w", infinitic.ErrInvalidContract, err)
	}
	if err := conn.EachTagged(ctx, c.cfg.Store, name, tag, func(id string) error { return fn(name, id) }); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	return nil
}
