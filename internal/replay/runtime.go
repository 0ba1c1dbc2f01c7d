// Package replay runs workflow code deterministically against its history.
//
// A Runtime hosts one workflow instance: its coroutines (the method run and
// its Async branches), the futures of the commands they issued, and the
// recorded commands of the history. Feeding it the history's events, in
// order, rebuilds exactly the execution that produced them; feeding it a new
// event continues it live. The engine keeps runtimes in a cache so that a
// long workflow is not replayed from the start at each step.
package replay

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/naming"
	"github.com/infinitic-go/infinitic/internal/wire"
)

// Info identifies the running instance.
type Info struct {
	ID       string
	Workflow string
	Method   string
	Tags     []string
	Meta     map[string]string
	Version  int // implementation version the instance runs
	// Run counts the times the instance continued as new (0: its first
	// run): ids made from positions include it (wire.ChildID).
	Run int
}

// Config describes the instance a Runtime runs.
type Config struct {
	Info   Info
	Codec  infinitic.Codec
	Names  *naming.Table
	Logger *slog.Logger
	// Recorded are the commands of the history, by position.
	Recorded []wire.Command
	// Run invokes a method of the workflow's implementation (one object
	// per instance, shared by its method runs) with a workflow.Context and
	// the encoded input, and returns the encoded output.
	Run func(ctx Context, method string, input []byte) ([]byte, error)
}

// Request is a new command with what is needed to carry it out.
type Request struct {
	Command  wire.Command
	Position int
	Service  string // task: service name; child: workflow name
	Method   string
	Input    []byte
	At       time.Time // timer
	ChildID  string
	// Detached: a child workflow that its parent's cancel and
	// continue-as-new leave running (the runs of a schedule).
	Detached bool
	Tags     []string
	Meta     map[string]string
	BatchKey string // task: batch key
	// Timeout is the deadline of the instance a child or a
	// signal-with-start starts (0: none).
	Timeout time.Duration
	// StartMethod and StartInput start the instance of a
	// signal-with-start (Method and Input are then its channel and value).
	StartMethod string
	StartInput  []byte
	// Canceled is the command a cancel command cancels.
	Canceled *PendingCommand
}

// Runtime runs one workflow instance. It is not safe for concurrent use:
// the engine drives each instance from one goroutine at a time.
type Runtime struct {
	cfg       Config
	cos       []*Coroutine
	yielded   chan struct{}
	closed    bool
	pos       int             // next command position
	pending   map[int]*Future // issued commands awaiting resolution
	requests  []Request       // new commands not yet taken
	seq       int
	now       time.Time
	rand      *rand.Rand
	replaying bool
	failure   error
	foreign   atomic.Pointer[error] // a workflow API call from a foreign goroutine (CheckGoroutine)
	main      *Future
	runs      []*methodRun // method runs started in parallel, not taken yet
	quiet     *slog.Logger
	channels  map[string]*channel
	signals   int               // signals received so far (their arrival ranks)
	gen       int               // generation stamped on new commands
	search    map[string]string // search fields: name to wire.SearchToken
	// cancelGrace > 0: a cancel reaches the code (see interrupt.go);
	// canceled is that cancel's error once it did.
	cancelGrace time.Duration
	canceled    error
}

// methodRun is a method started on the instance in parallel with the main one.
type methodRun struct {
	id     string
	future *Future
}

// RunOutcome is how a parallel method run ended.
type RunOutcome struct {
	Run    string
	Output []byte
	Err    error
}

// New returns a runtime; call Start to begin the method.
func New(cfg Config) *Runtime {
	h := fnv.New64a()
	_, _ = io.WriteString(h, cfg.Info.ID)
	if cfg.Info.Run > 0 { // each run draws other numbers (the first as before)
		_, _ = fmt.Fprintf(h, "/run %d", cfg.Info.Run)
	}
	seed := h.Sum64()
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Runtime{
		cfg:      cfg,
		yielded:  make(chan struct{}),
		pending:  map[int]*Future{},
		channels: map[string]*channel{},
		rand:     rand.New(rand.NewPCG(seed, binary.LittleEndian.Uint64([]byte("infinitc")))),
		quiet:    slog.New(slog.DiscardHandler),
	}
}

// Start runs a method from its start event until the code blocks: the
// main method first, then methods started in parallel (ev.Run set).
func (rt *Runtime) Start(ev *wire.Event) {
	if rt.failure != nil {
		return
	}
	rt.now = ev.At
	f := rt.Spawn(func(co *Coroutine) (any, error) {
		return rt.cfg.Run(co.Context(), ev.Method, ev.Input)
	})
	if rt.main == nil {
		rt.main = f
		rt.search = maps.Clone(ev.Search) // a run that continued as new keeps the fields
	} else {
		rt.runs = append(rt.runs, &methodRun{id: ev.Run, future: f})
	}
	rt.run()
}

// TakeFinishedRuns returns the parallel method runs that finished since
// the last call.
func (rt *Runtime) TakeFinishedRuns() []RunOutcome {
	var out []RunOutcome
	kept := rt.runs[:0]
	for _, r := range rt.runs {
		if !r.future.Settled() {
			kept = append(kept, r)
			continue
		}
		v, err := r.future.Outcome()
		b, _ := v.([]byte)
		out = append(out, RunOutcome{Run: r.id, Output: b, Err: err})
	}
	rt.runs = kept
	return out
}

// Apply resolves a position with an event and runs the code until it blocks.
func (rt *Runtime) Apply(ev *wire.Event) {
	if rt.failure != nil {
		return
	}
	rt.now = ev.At
	f, ok := rt.pending[ev.Position]
	if !ok {
		want := "a resolution"
		if ev.Position < len(rt.cfg.Recorded) {
			want = describe(rt.cfg.Recorded[ev.Position])
		}
		rt.fail(ev.Position, want, infinitic.NoCommandIssued)
		return
	}
	delete(rt.pending, ev.Position)
	f.settleRaw(ev.Output, wire.ToError(ev.Error))
	rt.run()
}

// Expects reports whether a command at position is awaiting resolution
// by an outcome of generation gen (or later).
func (rt *Runtime) Expects(position, gen int) bool {
	f, ok := rt.pending[position]
	return ok && gen >= f.cmd.Gen
}

// SetGeneration sets the generation stamped on new commands.
func (rt *Runtime) SetGeneration(gen int) { rt.gen = gen }

// Issued is the number of commands issued so far.
func (rt *Runtime) Issued() int { return rt.pos }

// SetReplaying tells whether events come from history (logs are muted).
func (rt *Runtime) SetReplaying(r bool) { rt.replaying = r }

// TakeRequests returns the commands issued since the last call.
func (rt *Runtime) TakeRequests() []Request {
	r := rt.requests
	rt.requests = nil
	return r
}

// Failure returns the error that stopped the runtime (non-determinism).
func (rt *Runtime) Failure() error { return rt.failure }

// Outcome returns whether the method finished, and how.
func (rt *Runtime) Outcome() (done bool, output []byte, err error) {
	if rt.main == nil || !rt.main.Settled() {
		return false, nil, nil
	}
	v, err := rt.main.Outcome()
	out, _ := v.([]byte)
	return true, out, err
}

// Info returns the identity of the instance.
func (rt *Runtime) Info() Info { return rt.cfg.Info }

// Codec returns the payload codec.
func (rt *Runtime) Codec() infinitic.Codec { return rt.cfg.Codec }

// Names returns the wire-name table.
func (rt *Runtime) Names() *naming.Table { return rt.cfg.Names }

// Now returns the deterministic time: that of the event being applied.
func (rt *Runtime) Now() time.Time { return rt.now }

// SetSearch sets (or, with a nil value, deletes) a search field of the
// instance. Replays run the same calls, so the fields are not recorded.
func (rt *Runtime) SetSearch(name string, value any) error {
	if err := wire.CheckSearchName(name); err != nil {
		return err
	}
	if value == nil {
		delete(rt.search, name)
		return nil
	}
	tok, err := wire.SearchToken(value)
	if err != nil {
		return err
	}
	if _, ok := rt.search[name]; !ok && len(rt.search) >= infinitic.MaxSearchFields {
		return &infinitic.LimitError{Limit: "MaxSearchFields", What: "number of search fields", Size: len(rt.search) + 1, Max: infinitic.MaxSearchFields}
	}
	if rt.search == nil {
		rt.search = map[string]string{}
	}
	rt.search[name] = tok
	return nil
}

// Search returns the search fields set so far (not a copy).
func (rt *Runtime) Search() map[string]string { return rt.search }

// Logger returns a logger that is silent while replaying history.
func (rt *Runtime) Logger() *slog.Logger {
	if rt.replaying {
		return rt.quiet
	}
	return rt.cfg.Logger
}

func (rt *Runtime) fail(position int, want, got string) {
	rt.failure = &infinitic.NonDeterminismError{
		Workflow: rt.cfg.Info.Workflow, ID: rt.cfg.Info.ID, Method: rt.cfg.Info.Method,
		Position: position, Want: want, Got: got,
	}
}

func describe(c wire.Command) string {
	if c.Target == "" {
		return c.Kind.String()
	}
	return fmt.Sprintf("%s %s", c.Kind, c.Target)
}

// Issue records a command at the next position and returns its future
// (nil when decode is nil: a command without outcome, like a send).
// Replaying, it checks the command against the history.
func (co *Coroutine) Issue(req Request, decode func([]byte) (any, error)) *Future {
	rt := co.rt
	if co.interrupted() {
		co.mutating()
		if decode == nil {
			return nil // not sent: the instance is canceled
		}
		f := rt.newFuture(decode)
		f.Settle(Canceled, nil, rt.canceled)
		return f
	}
	pos := co.check(req.Command)
	req.Position = pos
	if pos < len(rt.cfg.Recorded) {
		req.Command = rt.cfg.Recorded[pos]
	} else {
		req.Command.Gen = rt.gen
		rt.requests = append(rt.requests, req)
	}
	if decode == nil {
		return nil // fire and forget: nothing will resolve it
	}
	f := rt.newFuture(decode)
	f.pos, f.cmd, f.req = pos, req.Command, req
	rt.pending[pos] = f
	return f
}

// Inline runs fn once and records its outcome; replaying, it returns the
// recorded outcome without running fn.
func (co *Coroutine) Inline(fn func() ([]byte, error)) ([]byte, error) {
	rt := co.rt
	pos := co.check(wire.Command{Kind: wire.CommandInline})
	if pos < len(rt.cfg.Recorded) {
		c := rt.cfg.Recorded[pos]
		return c.Output, wire.ToError(c.Error)
	}
	out, ok, err := co.runInline(fn)
	if !ok {
		rt.failure = fmt.Errorf("%w: %s %s, position %d: only plain Go code may run there",
			infinitic.ErrInvalidInline, rt.cfg.Info.Workflow, rt.cfg.Info.ID, pos)
		co.block(func() bool { return false })
	}
	cmd := wire.Command{Kind: wire.CommandInline, Output: out, Error: wire.FromError(err)}
	rt.requests = append(rt.requests, Request{Command: cmd, Position: pos})
	// Return what a replay will return, so both runs see the same error.
	return out, wire.ToError(cmd.Error)
}

// runInline runs an Inline function; ok is false if it called the
// workflow API (which would record commands at the wrong positions).
func (co *Coroutine) runInline(fn func() ([]byte, error)) (out []byte, ok bool, err error) {
	co.inline = true
	defer func() {
		co.inline = false
		if r := recover(); r != nil {
			if _, invalid := r.(inlineViolation); !invalid {
				panic(r)
			}
			ok = false
		}
	}()
	out, err = fn()
	return out, true, err
}

// check takes the next position and verifies it against the history; on a
// mismatch the runtime fails and the coroutine parks forever.
func (co *Coroutine) check(cmd wire.Command) int {
	co.mutating()
	rt := co.rt
	pos := rt.pos
	rt.pos++
	if pos < len(rt.cfg.Recorded) {
		want := rt.cfg.Recorded[pos]
		if want.Kind != cmd.Kind || want.Target != cmd.Target {
			rt.fail(pos, describe(want), describe(cmd))
			co.block(func() bool { return false })
		}
	}
	return pos
}

// Unreached returns a *infinitic.NonDeterminismError when the code, run on
// its whole history, issued fewer commands than the history holds: it
// ended, or waits elsewhere, before the point the history reached.
func (rt *Runtime) Unreached() error {
	if rt.pos >= len(rt.cfg.Recorded) {
		return nil
	}
	return &infinitic.NonDeterminismError{
		Workflow: rt.cfg.Info.Workflow, ID: rt.cfg.Info.ID, Method: rt.cfg.Info.Method,
		Position: rt.pos, Want: describe(rt.cfg.Recorded[rt.pos]), Got: infinitic.NoCommandIssued,
	}
}
