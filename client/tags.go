package client

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/conn"
	"github.com/infinitic-go/infinitic/workflow"
)

// FindByTag returns the ids of the running instances of workflow W that
// have tag. It needs Config.Store. Instances finishing meanwhile may or may
// not be listed.
func FindByTag[W any](ctx context.Context, c *Client, tag string) ([]string, error) {
	var ids []string
	err := eachTagged[W](ctx, c, tag, func(id string) error {
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

// SendByTag sends v to channel ch of every running instance of W tagged
// tag, a page of ids at a time, and returns how many accepted it.
// Instances that finished meanwhile are skipped.
func SendByTag[W, T any](ctx context.Context, c *Client, ch workflow.Channel[W, T], tag string, v T) (int, error) {
	n := 0
	err := eachTagged[W](ctx, c, tag, func(id string) error {
		err := Send(ctx, c, ch, id, v)
		if err == nil {
			n++
		}
		return skipFinished(err)
	})
	return n, err
}

// CancelByTag cancels every running instance of workflow W tagged tag
// (method is any method expression of W, e.g. MyWorkflow.Run) and returns
// how many it canceled.
func CancelByTag[W, I, O any](ctx context.Context, c *Client, method func(W, workflow.Context, I) (O, error), tag, reason string) (int, error) {
	n := 0
	err := eachTagged[W](ctx, c, tag, func(id string) error {
		run, err := Attach(c, method, id)
		if err != nil {
			return err
		}
		err = run.Cancel(ctx, reason)
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

// eachTagged calls fn with the id of each instance of W tagged tag.
func eachTagged[W any](ctx context.Context, c *Client, tag string, fn func(id string) error) error {
	if c.cfg.Store == nil {
		return errors.New("client: Config.Store is required to find instances by tag")
	}
	name, err := c.names.Contract(reflect.TypeFor[W]())
	if err != nil {
		return fmt.Errorf("client: %w: %w", infinitic.ErrInvalidContract, err)
	}
	if err := conn.EachTagged(ctx, c.cfg.Store, name, tag, fn); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	return nil
}
