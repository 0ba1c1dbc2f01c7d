package client

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/workflow"
)

// tagPage is how many ids a tag operation reads from the store at once.
const tagPage = 1000

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
	prefix := wire.TagPrefix(name, tag)
	for after := ""; ; {
		keys, err := c.cfg.Store.Keys(ctx, prefix, after, tagPage)
		if err != nil {
			return fmt.Errorf("client: list tag %q of %s: %w", tag, name, err)
		}
		for _, k := range keys {
			id, err := wire.ParseKeyToken(strings.TrimPrefix(k, prefix))
			if err != nil {
				return fmt.Errorf("client: tag index of %s: %w", name, err)
			}
			if err := fn(id); err != nil {
				return err
			}
		}
		if len(keys) < tagPage {
			return nil
		}
		after = keys[len(keys)-1]
	}
}
