package replayer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
)

// Format is the value of History.Format that this package writes.
const Format = "infinitic-history/1"

// History is an instance's history: what Replay runs workflow code
// against. Load reads it from a store; it is saved and read as JSON
// (Write, Read), the form `infinitic workflow export` prints.
type History struct {
	Format   string `json:"format"`
	Workflow string `json:"workflow"`
	ID       string `json:"id"`
	Method   string `json:"method"`
	Version  int    `json:"version"` // the implementation version the instance runs
	Status   string `json:"status"`  // running or failed
	// Commands lists the commands of the history by position, for readers
	// ("task Till.Charge"); Replay reads State.
	Commands []string `json:"commands"`
	// State is the stored state of the instance with its whole log, in the
	// engine's format (CBOR, base64 in JSON).
	State []byte `json:"state"`
}

// ErrNoHistory is returned for an instance that keeps no history: it
// completed or was canceled (only its outcome is kept). Running and failed
// instances keep theirs.
var ErrNoHistory = errors.New("replayer: the instance keeps no history")

// Load reads the history of the instance id of a workflow from the store
// of a deployment (worker.Config.Store). It fails with an error matching
// infinitic.ErrInstanceNotFound if there is no such instance, and
// ErrNoHistory if it completed or was canceled. admin.Admin.Export does the
// same with an Admin's store.
func Load(ctx context.Context, st store.Store, workflow, id string) (*History, error) {
	s, err := wire.ReadState(ctx, st, workflow, id)
	if err != nil {
		return nil, fmt.Errorf("replayer: %w", err)
	}
	if s.Status != wire.StatusRunning && s.Status != wire.StatusFailed {
		return nil, fmt.Errorf("%w: %s %s has ended", ErrNoHistory, workflow, id)
	}
	log, err := wire.ReadLog(ctx, st, s)
	if err != nil {
		return nil, fmt.Errorf("replayer: %w", err)
	}
	// Only what replay reads: the whole log in the tail, no messages.
	s.Tail, s.Sealed, s.Outbox, s.Buffered, s.Applied = log, 0, nil, nil, nil
	b, err := wire.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("replayer: encode %s %s: %w", workflow, id, err)
	}
	h := &History{Format: Format, Workflow: s.Workflow, ID: s.ID, Method: s.Method, Version: s.Version,
		Status: map[wire.Status]string{wire.StatusRunning: "running", wire.StatusFailed: "failed"}[s.Status], Commands: []string{}, State: b}
	for _, r := range log {
		if c := r.Command; c != nil {
			h.Commands = append(h.Commands, describe(c))
		}
	}
	return h, nil
}

func describe(c *wire.Command) string {
	if c.Target == "" {
		return c.Kind.String()
	}
	return c.Kind.String() + " " + c.Target
}

// Write writes h as indented JSON.
func (h *History) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(h)
}

// Read reads a history written by Write (or `infinitic workflow export`).
func Read(r io.Reader) (*History, error) {
	var h History
	if err := json.NewDecoder(r).Decode(&h); err != nil {
		return nil, fmt.Errorf("replayer: read history: %w", err)
	}
	if h.Format != Format {
		return nil, fmt.Errorf("replayer: read history: format %q, want %q", h.Format, Format)
	}
	if _, err := h.state(); err != nil {
		return nil, err
	}
	return &h, nil
}

// ReadFile reads a history from a file written by Write.
func ReadFile(name string) (*History, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("replayer: %w", err)
	}
	defer func() { _ = f.Close() }()
	h, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, name)
	}
	return h, nil
}

func (h *History) state() (*wire.State, error) {
	s, err := wire.DecodeState(h.State)
	if err != nil {
		return nil, fmt.Errorf("replayer: history of %s %s: %w", h.Workflow, h.ID, err)
	}
	if s.Sealed != 0 {
		return nil, fmt.Errorf("replayer: history of %s %s: the log is not whole (%d records sealed apart)", h.Workflow, h.ID, s.Sealed)
	}
	return s, nil
}
