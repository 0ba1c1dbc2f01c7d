package schedule

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/workflow"
)

// Every operation needs a client whose Config.Store is the workers'
// store: a schedule is found by its name, the custom id of its instance.

// Option tunes Create.
type Option func(*State)

// WithTags sets tags on every run (besides "schedule:<name>").
func WithTags(tags ...string) Option { return func(st *State) { st.Tags = tags } }

// WithMeta sets metadata on every run.
func WithMeta(meta map[string]string) Option { return func(st *State) { st.Meta = meta } }

// Create creates schedule name, which starts method (a method expression
// of a workflow contract) with argument in at each slot of spec, or
// updates it if it exists: a changed spec, call, tags or metadata replaces
// the old one, keeping its progress (an unchanged one changes nothing, so
// Create at each program start is idempotent). The first slot is the
// first after the creation. Each run's id is "<name>/<slot, RFC 3339,
// UTC>": a slot starts at most once, even with several engines, crashes
// and restarts.
func Create[W, I, O any](ctx context.Context, c *client.Client, name string, spec Spec, method func(W, workflow.Context, I) (O, error), in I, opts ...Option) error {
	call, err := client.NewCall(c, method, in)
	if err != nil {
		return err
	}
	return CreateCall(ctx, c, name, spec, call, opts...)
}

// Create0 is Create for a method without argument.
func Create0[W, O any](ctx context.Context, c *client.Client, name string, spec Spec, method func(W, workflow.Context) (O, error), opts ...Option) error {
	call, err := client.NewCall0(c, method)
	if err != nil {
		return err
	}
	return CreateCall(ctx, c, name, spec, call, opts...)
}

// CreateCall is Create for a call built by name (tools, config files).
func CreateCall(ctx context.Context, c *client.Client, name string, spec Spec, call client.Call, opts ...Option) error {
	if err := Validate(name, spec); err != nil {
		return err
	}
	if err := errors.Join(naming.Validate(call.Workflow), naming.Validate(call.Method)); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidSpec, name, err)
	}
	st := State{Name: name, Spec: spec.withDefaults(), Call: call}
	for _, o := range opts {
		o(&st)
	}
	if err := wire.CheckTags(append(slices.Clip(st.Tags), "schedule:"+name)); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidSpec, name, err)
	}
	run, err := client.Start(ctx, c, InfiniticSchedule.Run, st, client.WithCustomID(name), client.WithTags(wire.ScheduleTag))
	if err != nil {
		return fmt.Errorf("schedule: create %s: %w", name, err)
	}
	// It may have joined an existing schedule: update it (a no-op for a
	// new one, or an unchanged one).
	return send(ctx, c, name, run.ID(), command{Op: opUpdate, State: &st})
}

// Validate checks a schedule's name (1-128 letters, digits, '_' and '-')
// and spec, with errors wrapping ErrInvalidSpec.
func Validate(name string, spec Spec) error {
	if err := naming.Validate(name); err != nil {
		return fmt.Errorf("%w: schedule name: %w", ErrInvalidSpec, err)
	}
	if _, err := spec.compile(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Pause stops schedule name from starting runs (running ones go on);
// note says why (shown by Describe).
func Pause(ctx context.Context, c *client.Client, name, note string) error {
	return command{Op: opPause, Note: note}.to(ctx, c, name)
}

// Resume lets paused schedule name start runs again, from the first slot
// after now: slots that came while it was paused are not caught up.
func Resume(ctx context.Context, c *client.Client, name string) error {
	return command{Op: opResume}.to(ctx, c, name)
}

// Trigger starts a run of schedule name now, outside its slots (also
// when paused), subject to its overlap policy, and returns the run's id
// ("<name>/trigger-<uuid>") once the schedule applied it: Describe then
// lists it in Recent (started), as Buffered, or not at all (skipped). The
// run itself starts asynchronously, like a child workflow: until its
// engine applied the start, Await and Describe on it fail with
// infinitic.ErrInstanceNotFound (retry them).
func Trigger(ctx context.Context, c *client.Client, name string) (string, error) {
	id := wire.ScheduleTriggerID(name, uuid.NewString())
	return id, command{Op: opTrigger, ID: id}.to(ctx, c, name)
}

// Delete deletes schedule name: its instance is canceled; runs already
// started go on.
func Delete(ctx context.Context, c *client.Client, name string) error {
	id, err := find(ctx, c, name)
	if err != nil {
		return err
	}
	run, err := client.Attach(c, InfiniticSchedule.Run, id)
	if err == nil {
		err = run.Cancel(ctx, "schedule deleted")
	}
	return notFound(name, err)
}

// Describe returns schedule name as it is now.
func Describe(ctx context.Context, c *client.Client, name string) (Description, error) {
	id, err := find(ctx, c, name)
	if err != nil {
		return Description{}, err
	}
	d, err := client.Get(ctx, c, InfiniticSchedule.Describe, id)
	d.ID = id
	return d, notFound(name, err)
}

// List describes every schedule, by name.
func List(ctx context.Context, c *client.Client) ([]Description, error) {
	ids, err := client.FindByTag[InfiniticSchedule](ctx, c, wire.ScheduleTag)
	if err != nil {
		return nil, err
	}
	var out []Description
	for _, id := range ids {
		d, err := client.Get(ctx, c, InfiniticSchedule.Describe, id)
		switch {
		case errors.Is(err, infinitic.ErrWorkflowFinished), errors.Is(err, infinitic.ErrInstanceNotFound):
			continue // deleted meanwhile
		case err != nil:
			return nil, err
		}
		d.ID = id
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Description) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}

// to sends cmd to schedule name.
func (cmd command) to(ctx context.Context, c *client.Client, name string) error {
	id, err := find(ctx, c, name)
	if err != nil {
		return err
	}
	return send(ctx, c, name, id, cmd)
}

func send(ctx context.Context, c *client.Client, name, id string, cmd command) error {
	return notFound(name, client.Send(ctx, c, control, id, cmd))
}

// find returns the id of the instance of schedule name.
func find(ctx context.Context, c *client.Client, name string) (string, error) {
	if err := naming.Validate(name); err != nil {
		return "", fmt.Errorf("%w: schedule name: %w", ErrInvalidSpec, err)
	}
	ids, err := client.FindByTag[InfiniticSchedule](ctx, c, wire.CustomIDTag(name))
	if err != nil {
		return "", err
	}
	if len(ids) == 0 {
		return "", fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	return ids[0], nil
}

// notFound reports a schedule deleted meanwhile as ErrNotFound.
func notFound(name string, err error) error {
	if errors.Is(err, infinitic.ErrWorkflowFinished) || errors.Is(err, infinitic.ErrInstanceNotFound) {
		return fmt.Errorf("%w: %s: %w", ErrNotFound, name, err)
	}
	return err
}
