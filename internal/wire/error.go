package wire

// ErrorKind tells which public error type an Error rebuilds into.
type ErrorKind uint8

// Error kinds. Values are stored: never renumber.
const (
	ErrorRemote         ErrorKind = 1 // an error returned by user code
	ErrorTask           ErrorKind = 2 // a task failed after its retries
	ErrorWorkflow       ErrorKind = 3 // a workflow method failed
	ErrorNonDeterminism ErrorKind = 4
	ErrorTimeout        ErrorKind = 5
	ErrorPanic          ErrorKind = 6
	ErrorCanceled       ErrorKind = 7
)

// Error is an error crossing the wire, with its cause chain.
type Error struct {
	Kind    ErrorKind `cbor:"1,keyasint"`
	Type    string    `cbor:"2,keyasint,omitempty"`
	Message string    `cbor:"3,keyasint,omitempty"`
	Stack   string    `cbor:"4,keyasint,omitempty"`
	Fields  []byte    `cbor:"5,keyasint,omitempty"` // JSON of the user error value

	// Task failures.
	Service  string   `cbor:"6,keyasint,omitempty"`
	Method   string   `cbor:"7,keyasint,omitempty"`
	TaskID   string   `cbor:"8,keyasint,omitempty"`
	Attempt  int      `cbor:"9,keyasint,omitempty"`
	Previous []*Error `cbor:"10,keyasint,omitempty"`

	// Workflow failures.
	Workflow   string `cbor:"11,keyasint,omitempty"`
	WorkflowID string `cbor:"12,keyasint,omitempty"`
	Position   int    `cbor:"13,keyasint,omitempty"` // non-determinism position

	Cause *Error `cbor:"14,keyasint,omitempty"`
	Code  string `cbor:"15,keyasint,omitempty"` // sentinel code, see infinitic.SentinelCode
}
