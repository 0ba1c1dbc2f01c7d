package conn

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/customid"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
)

// Instance is a start of an instance of Workflow: its main Method with
// its encoded Input.
type Instance struct {
	Workflow, Method string
	Input            []byte
	ID               string // "": a new uuid
	CustomID         string // "": none; else joins the running instance of that custom id (needs a store)
	Tags             []string
	Meta             map[string]string
	Timeout          time.Duration // > 0: the instance's deadline, from its start
}

// StartInstance starts (or joins) an instance and returns its id, waiting
// for its outcome: call Wait with the returned Waiter, then Unwatch(id, w).
// st is needed for a custom id only.
func (c *Conn) StartInstance(ctx context.Context, st store.Store, in Instance) (string, *Waiter, error) {
	if err := in.check(); err != nil {
		return "", nil, err
	}
	tags := in.Tags
	if in.CustomID != "" {
		if st == nil {
			return "", nil, errors.New("a store is required for custom ids")
		}
		var err error
		if in.ID, err = customid.Claim(ctx, st, in.Workflow, in.CustomID, in.ID); err != nil {
			return "", nil, err
		}
		tags = append(slices.Clip(tags), wire.CustomIDTag(in.CustomID))
	}
	w, err := c.Start(ctx, in.Workflow, in.ID, &wire.Dispatch{Method: in.Method, Input: in.Input, Tags: tags, Meta: in.Meta, Timeout: in.Timeout})
	return in.ID, w, err
}

// check gives the instance an id if it has none and checks what it has.
func (in *Instance) check() error {
	if in.ID == "" {
		in.ID = uuid.NewString()
	}
	return errors.Join(wire.CheckID("workflow id", in.ID, infinitic.MaxIDLength), wire.CheckTags(in.Tags),
		checkCustomID(in.CustomID), checkTimeout(in.Timeout))
}

// SignalWithStart sends an encoded value to channel of the instance in
// names (by in.ID, or by in.CustomID: no store needed, the engine claims
// it), starting it first if it was not dispatched, and waits until its
// engine stored the value. It returns the id of the instance that got the
// value; an instance named by id that already ended refuses it with
// infinitic.ErrWorkflowFinished (its id is returned too).
func (c *Conn) SignalWithStart(ctx context.Context, in Instance, channel string, payload []byte) (string, error) {
	if err := in.check(); err != nil {
		return "", err
	}
	tags := in.Tags
	if in.CustomID != "" {
		tags = append(slices.Clip(tags), wire.CustomIDTag(in.CustomID))
	}
	s := &wire.Signal{ID: uuid.NewString(), Channel: channel, Payload: payload, ReplyTo: c.id}
	d := &wire.Dispatch{Method: in.Method, Input: in.Input, Tags: tags, Meta: in.Meta, Timeout: in.Timeout, Request: s.ID, Signal: s}
	id := in.ID
	err := c.Request(ctx, s.ID, wire.SignalWithStartMessage(in.Workflow, in.ID, d), func(b []byte) error {
		id = string(b)
		return nil
	})
	return id, err
}

// checkCustomID checks a custom id (if any) before it becomes a store key.
func checkCustomID(customID string) error {
	if customID == "" {
		return nil
	}
	return wire.CheckID("custom id", customID, infinitic.MaxIDLength)
}

// checkTimeout refuses a negative timeout (0 is none).
func checkTimeout(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("timeout %v: must be positive (or 0 for none)", d)
	}
	return nil
}

// Start publishes d, a start of instance id of workflow (or, with d.Run
// set, of a method run on it), waiting for its outcome under key (the id,
// or d.Run): call Wait with the returned Waiter, then Unwatch(key, w).
func (c *Conn) Start(ctx context.Context, workflow, id string, d *wire.Dispatch) (*Waiter, error) {
	key := id
	if d.Run != "" {
		key = d.Run
	}
	d.Waiter = c.id
	if d.Request == "" {
		d.Request = uuid.NewString()
	}
	w := c.Watch(key)
	if err := c.Publish(ctx, wire.StartMessage(workflow, id, d)); err != nil {
		c.Unwatch(key, w)
		return nil, fmt.Errorf("start %s: %w", workflow, err)
	}
	return w, nil
}

// AskOutcome asks the engine of instance id for its outcome: call Wait
// with the returned Waiter, then Unwatch(id, w).
func (c *Conn) AskOutcome(ctx context.Context, workflow, id string) (*Waiter, error) {
	w := c.Watch(id)
	if err := c.Publish(ctx, wire.WaitMessage(workflow, id, &wire.Wait{Client: c.id, Request: uuid.NewString()})); err != nil {
		c.Unwatch(id, w)
		return nil, err
	}
	return w, nil
}

// Outcome is the encoded output of a result, or its error:
// infinitic.ErrInstanceNotFound, or the *infinitic.WorkflowFailedError.
func Outcome(workflow, id string, r *wire.Result) ([]byte, error) {
	switch {
	case r.Unknown:
		return nil, fmt.Errorf("%w: %s %s", infinitic.ErrInstanceNotFound, workflow, id)
	case r.Error != nil:
		return nil, wire.ToError(r.Error)
	}
	return r.Output, nil
}

// Cancel cancels instance id and waits until its engine applied it.
func (c *Conn) Cancel(ctx context.Context, workflow, id, reason string) error {
	m := &wire.Cancel{ID: uuid.NewString(), Reason: reason, ReplyTo: c.id}
	return c.Request(ctx, m.ID, wire.CancelMessage(workflow, id, m), nil)
}

// Signal sends an encoded value to channel of instance id and waits until
// its engine stored it.
func (c *Conn) Signal(ctx context.Context, workflow, id, channel string, payload []byte) error {
	s := &wire.Signal{ID: uuid.NewString(), Channel: channel, Payload: payload, ReplyTo: c.id}
	return c.Request(ctx, s.ID, wire.SignalMessage(workflow, id, s), nil)
}

// Operate carries out admin operation a (its Op and selection: the
// request id and reply subject are set here) on instance id and waits
// until its engine applied it.
func (c *Conn) Operate(ctx context.Context, workflow, id string, a *wire.Admin) error {
	a.ID, a.ReplyTo = uuid.NewString(), c.id
	return c.Request(ctx, a.ID, wire.AdminMessage(workflow, id, a), nil)
}

// Query calls getter method on instance id and returns its encoded result.
func (c *Conn) Query(ctx context.Context, workflow, id, method string) ([]byte, error) {
	q := &wire.Query{ID: uuid.NewString(), Method: method, ReplyTo: c.id}
	var out []byte
	err := c.Request(ctx, q.ID, wire.QueryMessage(workflow, id, q), func(b []byte) error { out = b; return nil })
	return out, err
}
