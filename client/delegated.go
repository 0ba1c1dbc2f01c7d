package client

import (
	"context"
	"fmt"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// CompleteDelegatedTask completes a task of a delegated method (see
// worker.WithDelegated) with its result: method is the method expression
// (Payments.Charge), taskID the id the method got from
// infinitic.TaskFrom. The waiting workflow continues with result. Completing
// twice is harmless: the first completion wins.
func CompleteDelegatedTask[S, I, O any](ctx context.Context, c *Client, method func(S, context.Context, I) (O, error), taskID string, result O) error {
	return completeDelegatedTask(ctx, c, method, taskID, result)
}

// CompleteDelegatedTask0 is CompleteDelegatedTask for a method without
// argument.
func CompleteDelegatedTask0[S, O any](ctx context.Context, c *Client, method func(S, context.Context) (O, error), taskID string, result O) error {
	return completeDelegatedTask(ctx, c, method, taskID, result)
}

func completeDelegatedTask(ctx context.Context, c *Client, method any, taskID string, result any) error {
	m, err := naming.Parse(method)
	if err != nil {
		return fmt.Errorf("client: %w: %w", infinitic.ErrInvalidContract, err)
	}
	if _, err := c.names.Contract(m.Contract); err != nil {
		return fmt.Errorf("client: %w: %w", infinitic.ErrInvalidContract, err)
	}
	workflow, id, pos, gen, err := wire.ParseTaskID(taskID)
	if err != nil {
		return fmt.Errorf("client: complete delegated task: %w", err)
	}
	out, err := c.cfg.Codec.Marshal(result)
	if err != nil {
		return fmt.Errorf("client: encode result of delegated task %s: %w", taskID, err)
	}
	p := wire.ParentRef{WorkflowID: id, Workflow: workflow, Position: pos, Gen: gen}
	if err := c.conn.Publish(ctx, wire.CompletedMessage(p, out, nil)); err != nil {
		return fmt.Errorf("client: complete delegated task %s: %w", taskID, err)
	}
	return nil
}
