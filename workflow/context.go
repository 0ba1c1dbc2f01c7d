package workflow

import (
	"log/slog"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/google/uuid"
	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/replay"
)

// Context is given to workflow methods and passed to every workflow API
// call. It is not a context.Context on purpose: workflow code must not block
// on anything but the workflow API. Only the engine makes working ones: the
// zero Context makes every call fail with infinitic.ErrNotInWorkflow.
type Context replay.Context

// from returns the coroutine behind ctx, or ErrNotInWorkflow (also when
// called from a goroutine that workflow code started: the instance then
// fails).
func from(ctx Context) (*replay.Coroutine, error) {
	co := replay.Context(ctx).Coroutine()
	if co == nil {
		return nil, infinitic.ErrNotInWorkflow
	}
	if err := co.CheckGoroutine(); err != nil {
		return nil, err
	}
	return co, nil
}

// mustFrom is for API calls that cannot return an error: outside a
// workflow they panic with ErrNotInWorkflow (a programming error). Called
// from a goroutine that workflow code started, they stop that goroutine
// (runtime.Goexit: a panic there would crash the worker) and the instance
// fails.
func mustFrom(ctx Context) *replay.Coroutine {
	co := replay.Context(ctx).Coroutine()
	if co == nil {
		panic(infinitic.ErrNotInWorkflow)
	}
	if co.CheckGoroutine() != nil {
		runtime.Goexit()
	}
	return co
}

// Info identifies the running workflow instance.
type Info struct {
	ID       string            // the instance id
	Workflow string            // wire name of the workflow
	Method   string            // wire name of the instance's main method
	Tags     []string          // its tags (client.WithTags, WithTags)
	Meta     map[string]string // its metadata (client.WithMeta, WithMeta)
	Version  int               // the implementation version it runs (worker.WithVersion)
	Run      int               // how many times it continued as new (ContinueAsNew): 0 in its first run
}

// GetInfo returns the id, name, method, tags and metadata of the running
// instance. It panics outside a workflow.
func GetInfo(ctx Context) Info {
	i := mustFrom(ctx).Runtime().Info()
	return Info{ID: i.ID, Workflow: i.Workflow, Method: i.Method, Tags: i.Tags, Meta: i.Meta, Version: i.Version, Run: i.Run}
}

// Now returns the deterministic current time: the time at which the event
// being processed happened. Use it instead of time.Now.
func Now(ctx Context) time.Time { return mustFrom(ctx).Runtime().Now() }

// Rand returns the instance's deterministic random source (seeded by the
// workflow id). Use it instead of math/rand.
func Rand(ctx Context) *rand.Rand { return mustFrom(ctx).Rand() }

// NewUUID returns a deterministic random UUID (v4 layout) drawn from Rand.
func NewUUID(ctx Context) string {
	var b [16]byte
	r := Rand(ctx)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	u, _ := uuid.FromBytes(b[:])
	u[6] = (u[6] & 0x0f) | 0x40
	u[8] = (u[8] & 0x3f) | 0x80
	return u.String()
}

// Logger returns a logger for workflow code. It is silent while the
// history is being replayed, so each line is logged once.
func Logger(ctx Context) *slog.Logger { return mustFrom(ctx).Runtime().Logger() }
