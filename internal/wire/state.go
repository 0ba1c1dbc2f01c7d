package wire

import "time"

// Status of a workflow instance.
type Status uint8

// Statuses. Values are stored: never renumber.
const (
	StatusRunning   Status = 1
	StatusCompleted Status = 2
	StatusFailed    Status = 3
	StatusCanceled  Status = 4
)

// CommandKind tells what workflow code asked for at a position.
type CommandKind uint8

// Command kinds. Values are stored: never renumber.
const (
	CommandTask    CommandKind = 1
	CommandTimer   CommandKind = 2
	CommandChild   CommandKind = 3
	CommandInline  CommandKind = 4
	CommandReceive CommandKind = 5 // Target: the channel name
	CommandSend    CommandKind = 6 // Target: "Workflow.channel"
	CommandCancel  CommandKind = 7 // Target: the canceled command's target
	// CommandSignalWithStart sends to an instance, starting it if it does
	// not run. Target: "Workflow.channel".
	CommandSignalWithStart CommandKind = 8
)

func (k CommandKind) String() string {
	switch k {
	case CommandTask:
		return "task"
	case CommandTimer:
		return "timer"
	case CommandChild:
		return "child workflow"
	case CommandInline:
		return "inline"
	case CommandReceive:
		return "receive"
	case CommandSend:
		return "send"
	case CommandCancel:
		return "cancel"
	case CommandSignalWithStart:
		return "signal-with-start"
	}
	return "unknown"
}

// Command is something workflow code asked for, at a position (its index
// among the commands of the instance, in issue order).
type Command struct {
	Kind   CommandKind `cbor:"1,keyasint"`
	Target string      `cbor:"2,keyasint,omitempty"` // "Service.Method" or "Workflow.Method"
	// Inline results are recorded with the command itself.
	Output []byte `cbor:"3,keyasint,omitempty"`
	Error  *Error `cbor:"4,keyasint,omitempty"`
	// Gen is the instance's generation when the command was issued: a
	// completion counts only if it carries this generation or a later one.
	Gen int `cbor:"5,keyasint,omitempty"`
	// At is when the command was issued (zero in states stored before
	// format v2).
	At time.Time `cbor:"6,keyasint,omitempty"`
	// Due is when a timer fires.
	Due time.Time `cbor:"7,keyasint,omitempty"`
}

// Event is something that happened to the instance, in applied order.
type Event struct {
	At time.Time `cbor:"1,keyasint"`
	// Start: a method run begins (Position < 0).
	Method string `cbor:"2,keyasint,omitempty"`
	Input  []byte `cbor:"3,keyasint,omitempty"`
	// Resolution of a position.
	Position int    `cbor:"4,keyasint"`
	Output   []byte `cbor:"5,keyasint,omitempty"`
	Error    *Error `cbor:"6,keyasint,omitempty"`
	// A signal received on a channel (Position is then -2).
	Signal *Signal `cbor:"7,keyasint,omitempty"`
	// Run identifies a method run started in parallel (Start events).
	Run string `cbor:"8,keyasint,omitempty"`
	// Attempt is the attempt that ended a task (0: unknown, or not a task).
	Attempt int `cbor:"9,keyasint,omitempty"`
	// Continued, on the start event of a run after a continue-as-new, is
	// the number of that run (State.Continued).
	Continued int `cbor:"10,keyasint,omitempty"`
	// Search, on such a start event, holds the search fields of the
	// previous run, which the new run starts with.
	Search map[string]string `cbor:"11,keyasint,omitempty"`
}

// IsStart reports whether the event starts a method run.
func (e *Event) IsStart() bool { return e.Position == -1 }

// SignalPosition is the Position of signal events.
const SignalPosition = -2

// CancelPosition is the Position of the event that delivers a cancel of
// the instance to its code (workflow.HandleCancel); Error is the cancel's.
const CancelPosition = -3

// Record is one entry of an instance's append-only log: a command or an event.
type Record struct {
	Command *Command `cbor:"1,keyasint,omitempty"`
	Event   *Event   `cbor:"2,keyasint,omitempty"`
}

// Outgoing is a message kept in the state's outbox until published.
type Outgoing struct {
	ID        string    `cbor:"1,keyasint"`
	Subject   string    `cbor:"2,keyasint"`
	Key       string    `cbor:"3,keyasint,omitempty"`
	Data      []byte    `cbor:"4,keyasint"`
	DeliverAt time.Time `cbor:"5,keyasint,omitempty"`
}

// State is the stored head of a workflow instance. The log is split: the
// first Sealed records live in immutable chunk entries (ChunkSize records
// each), the rest in Tail, so a write costs O(ChunkSize), not O(history).
type State struct {
	ID       string            `cbor:"1,keyasint"`
	Workflow string            `cbor:"2,keyasint"`
	Method   string            `cbor:"3,keyasint"`
	Tags     []string          `cbor:"4,keyasint,omitempty"`
	Meta     map[string]string `cbor:"5,keyasint,omitempty"`
	Parent   *ParentRef        `cbor:"6,keyasint,omitempty"`
	Waiters  []string          `cbor:"7,keyasint,omitempty"`
	Status   Status            `cbor:"8,keyasint"`
	Output   []byte            `cbor:"9,keyasint,omitempty"`
	Error    *Error            `cbor:"10,keyasint,omitempty"`

	Commands int      `cbor:"11,keyasint"` // number of commands in the whole log
	Sealed   int      `cbor:"12,keyasint"` // number of records in chunks
	Tail     []Record `cbor:"13,keyasint,omitempty"`

	Outbox   []Outgoing  `cbor:"14,keyasint,omitempty"`
	Buffered []*Envelope `cbor:"15,keyasint,omitempty"` // arrived too early
	// Applied holds the ids of the last applied signals (deduplication).
	Applied []string `cbor:"16,keyasint,omitempty"`
	// Version of the workflow implementation the instance started on.
	Version int `cbor:"17,keyasint,omitempty"`
	// Runs are the method runs started in parallel and not finished.
	Runs []MethodRun `cbor:"18,keyasint,omitempty"`
	// Generation grows at each retry of a failed instance and each
	// continue-as-new: outcomes of commands dropped by the retry (or of
	// the previous run) carry an older one and are ignored.
	Generation int `cbor:"19,keyasint,omitempty"`
	// Started and Ended are when the instance started and finished (zero:
	// not yet, or stored before format v2).
	Started time.Time `cbor:"20,keyasint,omitempty"`
	Ended   time.Time `cbor:"21,keyasint,omitempty"`
	// Headers are those of the dispatch that started the instance, given
	// to the interceptors of each of its steps (format v3).
	Headers map[string]string `cbor:"22,keyasint,omitempty"`
	// Search holds the search fields the code set (workflow.SetSearch):
	// name to SearchToken. The instance index lists instances by them.
	Search map[string]string `cbor:"30,keyasint,omitempty"`
	// Events is the number of events the instance emitted (the sequence
	// number of the last one; see EventID).
	Events int `cbor:"23,keyasint,omitempty"`
	// Timeout is the instance's own timeout (Dispatch.Timeout), and
	// Deadline when it ends: Started (or the last retry) plus Timeout.
	Timeout  time.Duration `cbor:"24,keyasint,omitempty"`
	Deadline time.Time     `cbor:"25,keyasint,omitempty"`
	// Continued counts the times the instance continued as new: its
	// history is that of run Continued (0: the first run).
	Continued int `cbor:"26,keyasint,omitempty"`
}

// MethodRun is a method started on a running instance, with its callers.
type MethodRun struct {
	Run     string   `cbor:"1,keyasint"`
	Method  string   `cbor:"2,keyasint"`
	Waiters []string `cbor:"3,keyasint,omitempty"`
}

// MaxApplied bounds State.Applied: a duplicate signal arriving after that
// many newer signals would be applied again (the transport's own
// deduplication window covers the usual case).
const MaxApplied = 1024

// ChunkSize is the number of records per sealed chunk.
const ChunkSize = 64

// Chunk is an immutable slice of a log.
type Chunk struct {
	Records []Record `cbor:"1,keyasint"`
}
