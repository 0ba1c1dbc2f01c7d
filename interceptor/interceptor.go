// Package interceptor lets code of your own run around what infinitic
// does: each client request, each task attempt and each workflow step, for
// logging, auth context, tenancy, tracing or metrics (package otelinfinitic
// is built on it).
//
// An Interceptor has one method per point; embed Base to implement only
// some. Give interceptors to client.Config.Interceptors and
// worker.Config.Interceptors: the first one given is the outermost. Each
// method gets the call's description and next, which runs the rest of the
// chain and then the call itself; it returns what next returned (or an
// error of its own, for InterceptCall and InterceptTask).
//
// # Headers
//
// Messages carry Headers, string pairs for interceptors (a W3C
// traceparent, a tenant...). A client request carries those its
// interceptors set on Call.Headers before next; the dispatch that starts a
// workflow instance gives them to every step of the instance
// (Step.Origin). A step's outgoing messages (tasks, timers, child
// workflows, signals, the outcome sent to a parent) carry Step.Headers, a
// copy of Origin that its interceptors may change before next; a task
// attempt sees those as Task.Headers. So a value set by a client
// interceptor reaches every task and child workflow of the instance.
//
// # Replays
//
// InterceptStep runs once per step, that is once per batch of new messages
// applied to an instance, never while the workflow's code is replayed from
// its history (after a restart or a cache eviction, a step rebuilds the
// instance first: Step.Replayed tells). A step that lost a
// compare-and-set race to another engine is applied again from the newer
// state: next then returns an error matching store.ErrConflict, and the
// chain runs again for the retry (whose outgoing messages are the ones
// sent).
// Interceptors must not call workflow code.
package interceptor

import (
	"context"
	"time"
)

// Next runs the rest of the chain, then the intercepted call.
type Next func(ctx context.Context) error

// Interceptor runs around client requests, task attempts and workflow
// steps. Implementations must be safe for concurrent use.
type Interceptor interface {
	// InterceptCall runs around a client request (the publication of its
	// message, and for requests answered by the engine its reply).
	InterceptCall(ctx context.Context, c *Call, next Next) error
	// InterceptTask runs around one attempt of a task in a worker.
	InterceptTask(ctx context.Context, t *Task, next Next) error
	// InterceptStep runs around one step of a workflow instance in a
	// worker's engine.
	InterceptStep(ctx context.Context, s *Step, next Next) error
}

// Base intercepts nothing: embed it to implement some methods only.
type Base struct{}

// InterceptCall calls next.
func (Base) InterceptCall(ctx context.Context, _ *Call, next Next) error { return next(ctx) }

// InterceptTask calls next.
func (Base) InterceptTask(ctx context.Context, _ *Task, next Next) error { return next(ctx) }

// InterceptStep calls next.
func (Base) InterceptStep(ctx context.Context, _ *Step, next Next) error { return next(ctx) }

// Headers are string pairs carried with a message. They satisfy
// OpenTelemetry's propagation.TextMapCarrier.
type Headers map[string]string

// Get returns the value of key ("" if none).
func (h Headers) Get(key string) string { return h[key] }

// Set sets key to value.
func (h Headers) Set(key, value string) { h[key] = value }

// Keys lists the keys.
func (h Headers) Keys() []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	return keys
}

// Call describes a client request.
type Call struct {
	// Op is what the request does: "start" (a workflow, or a method run on
	// an instance), "await" (an outcome, for a client that did not start
	// it), "send" (to a channel), "cancel", "get" (a getter), or an
	// operation: "retry-tasks", "retry-workflow", "complete-timers".
	Op       string
	Workflow string // the workflow's name
	ID       string // the instance id
	// Method is the method started or read, or the channel sent to.
	Method string
	// Headers are sent with the request: set entries before next.
	Headers Headers
}

// Task describes a task attempt.
type Task struct {
	ID      string // the task id (infinitic.TaskInfo.ID)
	Service string
	Method  string
	// Attempt is 1 for the first attempt, then grows with each retry;
	// Delivery is the transport's delivery count of this attempt's
	// message (above 1: redelivered, after a crash or a timeout).
	Attempt, Delivery int
	Workflow          string // the workflow that asked for the task
	WorkflowID        string // its instance id
	// Scheduled is when the attempt was due to start: the task's or the
	// retry's publication time (zero if unknown).
	Scheduled time.Time
	// Headers are those of the step that asked for the task; the task's
	// outcome carries them as the interceptors leave them (retries carry
	// the step's).
	Headers Headers
	// Retry is set by next when the attempt failed and another attempt is
	// scheduled (after RetryDelay).
	Retry      bool
	RetryDelay time.Duration
}

// Step describes one step of a workflow instance: new messages applied to
// it, the commands its code issued in response, saved in one
// compare-and-set write.
type Step struct {
	Workflow string // the workflow's name
	ID       string // the instance id
	// Messages are the kinds of the messages applied, in order: "start",
	// "completed" (a task, timer or child outcome), "signal", "cancel",
	// "await", "get", "admin".
	Messages []Message
	// Origin are the headers of the dispatch that started the instance, or
	// that starts it in this step (read only).
	Origin Headers
	// Headers go with the messages the step sends; next starts them as a
	// copy of Origin where the interceptors did not set a key.
	Headers Headers

	// Filled by next.
	Method   string    // the instance's main method
	Started  time.Time // when the instance started (zero: not started)
	New      bool      // this step started the instance
	Replayed bool      // the instance was rebuilt from its history first
	Cached   bool      // the instance was in the engine's cache
	// Status is the instance's status after the step: "running",
	// "completed", "failed", "canceled", or "" (not started).
	Status   string
	Finished bool // this step ended the instance
	// Issued are the commands the step issued; Resolved the commands that
	// its messages resolved.
	Issued, Resolved []Command
}

// Message is a message applied by a step.
type Message struct {
	Kind    string
	Headers Headers // as sent (read only)
}

// Command is something workflow code asked for.
type Command struct {
	// Kind is "task", "timer", "child workflow", "inline", "receive",
	// "send" or "cancel"; Target is "Service.Method", "Workflow.Method" or
	// a channel.
	Kind, Target string
	Position     int
	// Issued is when the command was issued; Due when a timer fires.
	Issued, Due time.Time
	// Failed tells, for a resolved command, that it failed (or was
	// canceled).
	Failed bool
	// Headers are those of the message that resolved it (read only).
	Headers Headers
}
