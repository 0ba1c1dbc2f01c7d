package wire

import (
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/infinitic-go/infinitic/internal/naming"
)

var (
	encMode cbor.EncMode
	decMode cbor.DecMode
)

func init() {
	var err error
	encMode, err = cbor.EncOptions{Time: cbor.TimeRFC3339Nano}.EncMode()
	if err != nil {
		panic(err)
	}
	// Error chains nest up to errsafe.MaxDepth errors (two levels each
	// through Previous) inside an envelope inside a state.
	decMode, err = cbor.DecOptions{MaxArrayElements: 1 << 24, MaxMapPairs: 1 << 20, MaxNestedLevels: 128}.DecMode()
	if err != nil {
		panic(err)
	}
}

// Marshal encodes an envelope, a state or a chunk.
func Marshal(v any) ([]byte, error) { return encMode.Marshal(v) }

// DecodeEnvelope decodes and validates an envelope.
func DecodeEnvelope(data []byte) (*Envelope, error) {
	var e Envelope
	if err := decMode.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("decode envelope: %w", err)
	}
	if err := e.validate(); err != nil {
		return nil, err
	}
	return &e, nil
}

func (e *Envelope) validate() error {
	ok := false
	switch e.Kind {
	case KindDispatch:
		ok = e.Dispatch != nil && e.WorkflowID != "" && e.Workflow != ""
	case KindExecute:
		ok = e.Execute != nil
	case KindCompleted:
		ok = e.Completed != nil && e.WorkflowID != "" && e.Completed.Position >= 0
	case KindWait:
		ok = e.Wait != nil && e.WorkflowID != ""
	case KindResult:
		ok = e.Result != nil && e.WorkflowID != ""
	case KindSignal:
		ok = e.Signal != nil && e.WorkflowID != "" && e.Workflow != "" && e.Signal.ID != "" && e.Signal.Channel != ""
	case KindReply:
		ok = e.Reply != nil && e.Reply.Request != ""
	case KindCancel:
		ok = e.Cancel != nil && e.Cancel.ID != "" && (e.Cancel.TaskID != "" || (e.WorkflowID != "" && e.Workflow != ""))
	case KindAdmin:
		ok = e.Admin != nil && e.WorkflowID != "" && e.Workflow != "" && e.Admin.ID != "" && e.Admin.Op != ""
	case KindQuery:
		ok = e.Query != nil && e.WorkflowID != "" && e.Workflow != "" && e.Query.ID != "" && e.Query.ReplyTo != ""
	}
	if !ok {
		return fmt.Errorf("decode envelope: malformed %s envelope", e.Kind)
	}
	return e.validateRoutes()
}

// validateRoutes checks the names that messages caused by e are sent to:
// an envelope whose consequences could not be published is refused here,
// rather than retried forever after its engine applied it.
func (e *Envelope) validateRoutes() error {
	var clients []string
	switch {
	case e.Dispatch != nil:
		clients = append(clients, e.Dispatch.Waiter)
		if s := e.Dispatch.Signal; s != nil {
			if s.ID == "" || s.Channel == "" || e.Dispatch.Run != "" || e.Dispatch.Parent != nil {
				return fmt.Errorf("decode envelope: malformed signal-with-start")
			}
			clients = append(clients, s.ReplyTo)
		}
		if p := e.Dispatch.Parent; p != nil && (p.WorkflowID == "" || naming.Validate(p.Workflow) != nil) {
			return fmt.Errorf("decode envelope: dispatch with malformed parent %+v", *p)
		}
	case e.Execute != nil:
		if p := e.Execute.Parent; p.WorkflowID == "" || naming.Validate(p.Workflow) != nil || e.Execute.TaskID == "" {
			return fmt.Errorf("decode envelope: execute envelope without a valid parent workflow or task id (parent %+v)", p)
		}
	case e.Wait != nil:
		if e.Wait.Client == "" {
			return fmt.Errorf("decode envelope: wait envelope without a client")
		}
		clients = append(clients, e.Wait.Client)
	case e.Signal != nil:
		clients = append(clients, e.Signal.ReplyTo)
	case e.Query != nil:
		clients = append(clients, e.Query.ReplyTo)
	case e.Cancel != nil:
		clients = append(clients, e.Cancel.ReplyTo)
	case e.Admin != nil:
		clients = append(clients, e.Admin.ReplyTo)
	}
	for _, c := range clients {
		if c != "" && naming.Validate(c) != nil {
			return fmt.Errorf("decode envelope: %s envelope: client id %q is not a valid subject token", e.Kind, truncate(c))
		}
	}
	return nil
}

// DecodeState decodes a stored state.
func DecodeState(data []byte) (*State, error) {
	var s State
	if err := decMode.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("decode state: %w", err)
	}
	if s.ID == "" || s.Workflow == "" || s.Sealed < 0 || s.Commands < 0 {
		return nil, fmt.Errorf("decode state: malformed state")
	}
	return &s, nil
}

// DecodeChunk decodes a sealed log chunk.
func DecodeChunk(data []byte) (*Chunk, error) {
	var c Chunk
	if err := decMode.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("decode chunk: %w", err)
	}
	return &c, nil
}
