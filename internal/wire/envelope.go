package wire

import "time"

// Kind tells what an Envelope carries.
type Kind uint8

// Envelope kinds. Values are stored: never renumber.
const (
	KindDispatch  Kind = 1  // client or parent → workflow engine: start a workflow
	KindExecute   Kind = 2  // engine → service executor: run a task attempt
	KindCompleted Kind = 3  // executor, timer, child → engine: a position is resolved
	KindWait      Kind = 4  // client → engine: tell me when the workflow ends
	KindResult    Kind = 5  // engine → client: the workflow ended
	KindSignal    Kind = 6  // client or workflow → engine: a value sent to a channel
	KindReply     Kind = 7  // engine → client: outcome of a request (signal...)
	KindCancel    Kind = 8  // client or parent → engine: cancel the instance
	KindQuery     Kind = 9  // client → engine: run a getter on the instance
	KindAdmin     Kind = 10 // client or engine → engine: an operation on the instance
)

func (k Kind) String() string {
	switch k {
	case KindDispatch:
		return "dispatch"
	case KindExecute:
		return "execute"
	case KindCompleted:
		return "completed"
	case KindWait:
		return "wait"
	case KindResult:
		return "result"
	case KindSignal:
		return "signal"
	case KindReply:
		return "reply"
	case KindCancel:
		return "cancel"
	case KindQuery:
		return "query"
	case KindAdmin:
		return "admin"
	}
	return "unknown"
}

// Envelope is the content of every transport message. Exactly one of the
// pointer fields matching Kind is set.
type Envelope struct {
	Kind       Kind   `cbor:"1,keyasint"`
	WorkflowID string `cbor:"2,keyasint,omitempty"`
	Workflow   string `cbor:"3,keyasint,omitempty"` // workflow name
	// SentAt is when a client or an engine sent it (for a task's retry:
	// when it is due). Zero: unknown.
	SentAt time.Time `cbor:"4,keyasint,omitempty"`
	// Headers travel with the message for interceptors (W3C trace
	// context, tenancy...): what a client call, a workflow step or a task
	// attempt that sent it set (format v3).
	Headers map[string]string `cbor:"5,keyasint,omitempty"`

	Dispatch  *Dispatch  `cbor:"10,keyasint,omitempty"`
	Execute   *Execute   `cbor:"11,keyasint,omitempty"`
	Completed *Completed `cbor:"12,keyasint,omitempty"`
	Wait      *Wait      `cbor:"13,keyasint,omitempty"`
	Result    *Result    `cbor:"14,keyasint,omitempty"`
	Signal    *Signal    `cbor:"15,keyasint,omitempty"`
	Reply     *Reply     `cbor:"16,keyasint,omitempty"`
	Cancel    *Cancel    `cbor:"17,keyasint,omitempty"`
	Query     *Query     `cbor:"18,keyasint,omitempty"`
	Admin     *Admin     `cbor:"19,keyasint,omitempty"`
}

// ParentRef points from a child workflow to the position awaiting it.
type ParentRef struct {
	WorkflowID string `cbor:"1,keyasint"`
	Workflow   string `cbor:"2,keyasint"`
	Position   int    `cbor:"3,keyasint"`
	// Gen is the generation of the command at Position (see State.Generation).
	Gen int `cbor:"4,keyasint,omitempty"`
}

// Dispatch starts a workflow.
type Dispatch struct {
	Method string            `cbor:"1,keyasint"`
	Input  []byte            `cbor:"2,keyasint,omitempty"`
	Tags   []string          `cbor:"3,keyasint,omitempty"`
	Meta   map[string]string `cbor:"4,keyasint,omitempty"`
	Parent *ParentRef        `cbor:"5,keyasint,omitempty"`
	// Waiter is the client id to send the result to, if any.
	Waiter string `cbor:"6,keyasint,omitempty"`
	// Run, when set, starts Method on the already running instance, in
	// parallel with its other methods (a unique id of this method run).
	Run string `cbor:"7,keyasint,omitempty"`
	// Request tells this dispatch apart from other dispatches of the same
	// instance (a uuid made once per client call; for a child, the
	// parent's generation): an answer to it gets its own message id.
	Request string `cbor:"8,keyasint,omitempty"`
	// Timeout, when positive, is the instance's deadline counted from its
	// start: then it is canceled (infinitic.ErrWorkflowTimedOut).
	Timeout time.Duration `cbor:"9,keyasint,omitempty"`
	// Signal, when set, makes this a signal-with-start: the engine starts
	// the instance unless it runs, then applies Signal to it (a running
	// instance only gets the signal). One message, so that the engine of
	// the instance does both in one step: no check-then-act race. Signal's
	// ReplyTo is answered with the id of the instance that got it.
	Signal *Signal `cbor:"10,keyasint,omitempty"`
}

// Execute asks a service executor to run one attempt of a task.
type Execute struct {
	TaskID   string            `cbor:"1,keyasint"`
	Service  string            `cbor:"2,keyasint"`
	Method   string            `cbor:"3,keyasint"`
	Input    []byte            `cbor:"4,keyasint,omitempty"`
	Attempt  int               `cbor:"5,keyasint"`
	Parent   ParentRef         `cbor:"6,keyasint"`
	Meta     map[string]string `cbor:"7,keyasint,omitempty"`
	Previous []*Error          `cbor:"8,keyasint,omitempty"` // failures of earlier attempts
	BatchKey string            `cbor:"9,keyasint,omitempty"` // batched methods: calls batched together share it
	// Generation is the instance's generation when it asked for the task:
	// above Parent.Gen when a manual retry asked again for a task issued
	// before it.
	Generation int `cbor:"10,keyasint,omitempty"`
}

// Completed resolves a position of a workflow: a task result, a fired
// timer or a child workflow's outcome.
type Completed struct {
	Position int    `cbor:"1,keyasint"`
	Output   []byte `cbor:"2,keyasint,omitempty"`
	Error    *Error `cbor:"3,keyasint,omitempty"`
	Gen      int    `cbor:"4,keyasint,omitempty"` // generation of the command resolved
	Attempt  int    `cbor:"5,keyasint,omitempty"` // a task's outcome: the attempt it came from
}

// Wait registers a client waiting for a workflow's outcome.
type Wait struct {
	Client string `cbor:"1,keyasint"`
	// Request is a uuid made once per wait call: the answer of an instance
	// that already ended gets its own message id (see AnswerID).
	Request string `cbor:"2,keyasint,omitempty"`
}

// Result tells a client how a workflow ended.
type Result struct {
	Output  []byte `cbor:"1,keyasint,omitempty"`
	Error   *Error `cbor:"2,keyasint,omitempty"`
	Unknown bool   `cbor:"3,keyasint,omitempty"` // no such workflow
	Run     string `cbor:"4,keyasint,omitempty"` // the method run, if not the main one
}

// Signal sends a value to a workflow's channel.
type Signal struct {
	ID      string `cbor:"1,keyasint"` // unique: duplicates are applied once
	Channel string `cbor:"2,keyasint"`
	Payload []byte `cbor:"3,keyasint,omitempty"`
	// ReplyTo is the client id waiting for the Reply, if any.
	ReplyTo string `cbor:"4,keyasint,omitempty"`
}

// Reply tells a client the outcome of its request (the request's ID).
type Reply struct {
	Request string `cbor:"1,keyasint"`
	Error   *Error `cbor:"2,keyasint,omitempty"`
	Output  []byte `cbor:"3,keyasint,omitempty"`
}

// Query asks a running instance for the result of a getter method.
type Query struct {
	ID      string `cbor:"1,keyasint"`
	Method  string `cbor:"2,keyasint"`
	ReplyTo string `cbor:"3,keyasint"`
}

// Cancel cancels a running instance and its children, or a running task.
type Cancel struct {
	ID      string `cbor:"1,keyasint"` // request id
	Reason  string `cbor:"2,keyasint,omitempty"`
	ReplyTo string `cbor:"3,keyasint,omitempty"`
	// TaskID, when set, cancels a running task attempt (sent to the
	// service's executors) instead of a workflow instance.
	TaskID string `cbor:"4,keyasint,omitempty"`
}

// Admin operations.
const (
	AdminCompleteTimers = "complete-timers" // fire the pending timers now
	AdminExpire         = "expire"          // delete a finished instance (retention)
	AdminRetryTasks     = "retry-tasks"     // rerun failed tasks of a failed instance
	AdminRetryWorkflow  = "retry-workflow"  // replay a failed instance with the current code
	AdminTimeout        = "timeout"         // the instance's deadline (Admin.Deadline) passed
)

// Admin is an operation on an instance.
type Admin struct {
	ID      string `cbor:"1,keyasint"`
	Op      string `cbor:"2,keyasint"`
	ReplyTo string `cbor:"3,keyasint,omitempty"`
	TaskID  string `cbor:"4,keyasint,omitempty"` // retry-tasks: only this task ("" all)
	Service string `cbor:"5,keyasint,omitempty"` // retry-tasks: only tasks of this service ("" all)
	// Deadline is the deadline a timeout operation is for: one that the
	// instance no longer has (a retry set a new one) is ignored.
	Deadline time.Time `cbor:"6,keyasint,omitempty"`
}
