package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/clock"
	"github.com/infinitic-go/infinitic/internal/conn"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
)

var (
	// ErrClosed is returned by calls on a closed Admin.
	ErrClosed = conn.ErrClosed
	// ErrInvalidJSON is returned for an input or value that is not JSON.
	ErrInvalidJSON = errors.New("not valid JSON")
)

// Config configures an Admin. Transport and Store are required.
type Config struct {
	// Transport carries the messages: the workers' transport.
	Transport transport.Transport
	// Store is the workers' store, where instances are read.
	Store store.Store
	// Logger receives the logs. Default: slog.Default().
	Logger *slog.Logger
	// Clock stamps messages. Default: clock.System.
	Clock clock.Clock
}

// Admin operates instances by name and id. It is safe for concurrent
// use. Close it when done.
type Admin struct {
	st   store.Store
	conn *conn.Conn
}

// New returns a connected Admin.
func New(ctx context.Context, cfg Config) (*Admin, error) {
	switch {
	case cfg.Transport == nil:
		return nil, errors.New("admin: Config.Transport is required")
	case cfg.Store == nil:
		return nil, errors.New("admin: Config.Store is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System
	}
	cn, err := conn.Open(ctx, cfg.Transport, cfg.Logger, cfg.Clock, nil)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	return &Admin{st: cfg.Store, conn: cn}, nil
}

// Close stops receiving replies; pending calls return ErrClosed.
func (a *Admin) Close() error { return a.conn.Close() }

// StartOptions tune Start. All are optional.
type StartOptions struct {
	// ID of the instance. Default: a new UUID. Starting twice with the
	// same id starts one instance: the second start joins the first.
	ID string
	// CustomID is a unique custom id (client.WithCustomID): while an
	// instance of this custom id runs, Start joins it.
	CustomID string
	Tags     []string
	Meta     map[string]string
	// Timeout, when positive, cancels the instance if it still runs that
	// long after its start (client.WithTimeout).
	Timeout time.Duration
}

// Start starts method of workflow with input (JSON; empty for a method
// without argument) and returns the instance's id once the transport
// accepted the start. Await it for its outcome.
func (a *Admin) Start(ctx context.Context, workflow, method string, input json.RawMessage, opts StartOptions) (string, error) {
	if err := names(workflow, method); err != nil {
		return "", err
	}
	if len(input) > 0 && !json.Valid(input) {
		return "", fmt.Errorf("admin: %w: input of %s.%s", ErrInvalidJSON, workflow, method)
	}
	id, w, err := a.conn.StartInstance(ctx, a.st, conn.Instance{Workflow: workflow, Method: method, Input: input,
		ID: opts.ID, CustomID: opts.CustomID, Tags: opts.Tags, Meta: opts.Meta, Timeout: opts.Timeout})
	if err != nil {
		return "", fmt.Errorf("admin: %w", err)
	}
	a.conn.Unwatch(id, w) // Await asks for the outcome itself
	return id, nil
}

// Await waits for the outcome of instance id: its JSON result, or a
// *infinitic.WorkflowFailedError with its cause chain, or
// infinitic.ErrInstanceNotFound.
func (a *Admin) Await(ctx context.Context, workflow, id string) (json.RawMessage, error) {
	if err := names(workflow); err != nil {
		return nil, err
	}
	w, err := a.conn.AskOutcome(ctx, workflow, id)
	if err != nil {
		return nil, fmt.Errorf("admin: await %s %s: %w", workflow, id, err)
	}
	defer a.conn.Unwatch(id, w)
	res, err := a.conn.Wait(ctx, w)
	if err != nil {
		return nil, err
	}
	return conn.Outcome(workflow, id, res)
}

// Cancel cancels running instance id and, recursively, its running
// children, and returns once its engine applied it; it fails with
// infinitic.ErrWorkflowFinished if the instance already ended. For an id
// not started yet it waits, bounded by ctx, until the instance starts or
// the engine's early message life ends (then infinitic.ErrInstanceNotFound).
func (a *Admin) Cancel(ctx context.Context, workflow, id, reason string) error {
	if err := names(workflow); err != nil {
		return err
	}
	return a.conn.Cancel(ctx, workflow, id, reason)
}

// CancelByTag cancels every running instance of workflow tagged tag and
// returns how many it canceled (those that ended meanwhile are skipped).
func (a *Admin) CancelByTag(ctx context.Context, workflow, tag, reason string) (int, error) {
	return a.eachTagged(ctx, workflow, tag, func(id string) error { return a.conn.Cancel(ctx, workflow, id, reason) })
}

// SignalByTag sends value to channel of every running instance of
// workflow tagged tag (see SignalVariant) and returns how many accepted it
// (those that ended meanwhile are skipped).
func (a *Admin) SignalByTag(ctx context.Context, workflow, tag, channel, variant string, value json.RawMessage) (int, error) {
	payload, err := channelValue(channel, variant, value)
	if err != nil {
		return 0, err
	}
	return a.eachTagged(ctx, workflow, tag, func(id string) error { return a.conn.Signal(ctx, workflow, id, channel, payload) })
}

// eachTagged calls op on each running instance tagged tag and counts the
// successes; instances that finished meanwhile are skipped.
func (a *Admin) eachTagged(ctx context.Context, workflow, tag string, op func(id string) error) (int, error) {
	if err := names(workflow); err != nil {
		return 0, err
	}
	n := 0
	err := conn.EachTagged(ctx, a.st, workflow, tag, func(id string) error {
		err := op(id)
		if err == nil {
			n++
		}
		if errors.Is(err, infinitic.ErrWorkflowFinished) {
			return nil
		}
		return err
	})
	return n, err
}

// IDsByTag lists the ids of the running instances of workflow tagged tag.
func (a *Admin) IDsByTag(ctx context.Context, workflow, tag string) ([]string, error) {
	if err := names(workflow); err != nil {
		return nil, err
	}
	var ids []string
	err := conn.EachTagged(ctx, a.st, workflow, tag, func(id string) error { ids = append(ids, id); return nil })
	return ids, err
}

// TaskSelection selects the failed tasks that RetryTasks retries; empty
// fields select all.
type TaskSelection struct {
	TaskID  string // only the task with this id (see Step.TaskID)
	Service string // only tasks of this service (its wire name)
}

// RetryTasks makes failed instance id continue from its first failed task
// that sel selects, which runs again. It fails with infinitic.ErrNotFailed
// if the instance has not failed or has no such failed task.
func (a *Admin) RetryTasks(ctx context.Context, workflow, id string, sel TaskSelection) error {
	return a.operate(ctx, workflow, id, &wire.Admin{Op: wire.AdminRetryTasks, TaskID: sel.TaskID, Service: sel.Service})
}

// RetryWorkflowTask replays failed instance id with the workers' current
// code (after a fix) and lets it continue.
func (a *Admin) RetryWorkflowTask(ctx context.Context, workflow, id string) error {
	return a.operate(ctx, workflow, id, &wire.Admin{Op: wire.AdminRetryWorkflow})
}

// CompleteTimers fires the pending timers of running instance id now.
func (a *Admin) CompleteTimers(ctx context.Context, workflow, id string) error {
	return a.operate(ctx, workflow, id, &wire.Admin{Op: wire.AdminCompleteTimers})
}

func (a *Admin) operate(ctx context.Context, workflow, id string, op *wire.Admin) error {
	if err := names(workflow); err != nil {
		return err
	}
	return a.conn.Operate(ctx, workflow, id, op)
}

// Signal sends value (JSON) to channel of running instance id and returns
// once its engine stored it in the history; it fails with
// infinitic.ErrWorkflowFinished if the instance already ended. For an id
// not started yet it waits, bounded by ctx, until the instance starts or
// the engine's early message life ends (then infinitic.ErrInstanceNotFound).
func (a *Admin) Signal(ctx context.Context, workflow, id, channel string, value json.RawMessage) error {
	return a.SignalVariant(ctx, workflow, id, channel, "", value)
}

// SignalVariant is Signal for a channel declared with Variants: variant
// is the wire name of the value's type (its Go type name without package,
// or its infinitic.Name), which Receive needs to rebuild the value; ""
// sends a plain value. A value of no known variant is kept but never
// received.
func (a *Admin) SignalVariant(ctx context.Context, workflow, id, channel, variant string, value json.RawMessage) error {
	if err := names(workflow); err != nil {
		return err
	}
	payload, err := channelValue(channel, variant, value)
	if err != nil {
		return err
	}
	return a.conn.Signal(ctx, workflow, id, channel, payload)
}

// SignalWithStart sends value (JSON; variant as in SignalVariant) to
// channel of the instance that opts name (ID or CustomID), starting it
// first with method and input (JSON; empty for a method without argument)
// if it does not run, in one message that its engine applies atomically
// (client.SignalWithStart). It returns the id of the instance that got the
// value, once its engine stored it. By CustomID, an instance that ended is
// replaced by a new one; by ID, an ended instance refuses the value with
// infinitic.ErrWorkflowFinished. Tags, Meta and Timeout apply only if the
// instance starts.
func (a *Admin) SignalWithStart(ctx context.Context, workflow, channel, variant string, value json.RawMessage,
	method string, input json.RawMessage, opts StartOptions) (string, error) {
	if err := names(workflow, method); err != nil {
		return "", err
	}
	if len(input) > 0 && !json.Valid(input) {
		return "", fmt.Errorf("admin: %w: input of %s.%s", ErrInvalidJSON, workflow, method)
	}
	payload, err := channelValue(channel, variant, value)
	if err != nil {
		return "", err
	}
	id, err := a.conn.SignalWithStart(ctx, conn.Instance{Workflow: workflow, Method: method, Input: input,
		ID: opts.ID, CustomID: opts.CustomID, Tags: opts.Tags, Meta: opts.Meta, Timeout: opts.Timeout}, channel, payload)
	if err != nil {
		return id, fmt.Errorf("admin: %w", err)
	}
	return id, nil
}

// channelValue checks a JSON value and marks its variant, if any.
func channelValue(channel, variant string, value json.RawMessage) ([]byte, error) {
	if !json.Valid(value) {
		return nil, fmt.Errorf("admin: %w: value for channel %s", ErrInvalidJSON, channel)
	}
	if variant != "" {
		return wire.MarkVariant(variant, value), nil
	}
	return value, nil
}

// names checks wire names before they go into subjects and keys.
func names(names ...string) error {
	for _, n := range names {
		if err := naming.Validate(n); err != nil {
			return fmt.Errorf("admin: %w", err)
		}
	}
	return nil
}
