package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/types"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// Event is a CloudEvent of the stream, with its position.
type Event struct {
	cloudevents.Event
	// Position is where the event is in the stream: give it to After to
	// resume after it.
	Position Position
}

// WorkflowName is the name of the workflow the event is about (the
// workflowname extension).
func (e Event) WorkflowName() string { return extensionString(e.Event, "workflowname") }

// WorkflowID is the id of the instance the event is about (the
// workflowid extension).
func (e Event) WorkflowID() string { return extensionString(e.Event, "workflowid") }

// WorkflowSeq is the event's number among its instance's events (1,
// 2, ...), or 0 for a task event (the workflowseq extension).
func (e Event) WorkflowSeq() int {
	n, err := types.ToInteger(e.Extensions()["workflowseq"])
	if err != nil {
		return 0
	}
	return int(n)
}

func extensionString(e cloudevents.Event, name string) string {
	s, _ := types.ToString(e.Extensions()[name])
	return s
}

// Position is where an event is in the stream: the stream message that
// holds it (a step's events share one) and its index there.
type Position struct {
	Seq   uint64 `json:"seq"`
	Index int    `json:"index"`
}

// From says where reading starts.
type From struct {
	log   transport.LogPosition
	after *Position
}

// FromStart reads from the oldest event the stream keeps.
func FromStart() From { return From{} }

// FromNew reads only the events published from now on.
func FromNew() From { return From{log: transport.LogPosition{New: true}} }

// FromTime reads from the first event stored at or after t.
func FromTime(t time.Time) From { return From{log: transport.LogPosition{Time: t}} }

// FromSeq reads from the stream message seq on (a Position.Seq).
func FromSeq(seq uint64) From { return From{log: transport.LogPosition{Seq: max(seq, 1)}} }

// After resumes after the event at p (already handled).
func After(p Position) From { return From{log: transport.LogPosition{Seq: max(p.Seq, 1)}, after: &p} }

// Filter selects events.
type Filter struct {
	// Workflows keeps the events of these workflows' instances (their
	// engines' events and their tasks'). Default: every workflow.
	Workflows []string
}

// Listen calls fn with each event from position from, in stream order,
// and waits for new ones, until ctx is done (it returns nil then) or fn
// returns an error (returned). tr must have the transport.Log capability.
func Listen(ctx context.Context, tr transport.Transport, from From, filter Filter, fn func(Event) error) error {
	err := read(ctx, tr, from, filter, false, fn)
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil
	}
	return err
}

// Read is Listen that returns nil once it handled every event stored
// when it started (and the ones stored meanwhile).
func Read(ctx context.Context, tr transport.Transport, from From, filter Filter, fn func(Event) error) error {
	return read(ctx, tr, from, filter, true, fn)
}

// ErrNoLog is returned by Listen and Read on a transport that keeps no
// event stream.
var ErrNoLog = errors.New("events: the transport keeps no event stream (transport.Log)")

func read(ctx context.Context, tr transport.Transport, from From, filter Filter, stopAtEnd bool, fn func(Event) error) error {
	lg, ok := tr.(transport.Log)
	if !ok {
		return ErrNoLog
	}
	var err error
	subject := wire.EventSubjects()
	if len(filter.Workflows) == 1 {
		subject = wire.EventSubject(filter.Workflows[0])
	}
	var end uint64 // Read: the last message to read
	if stopAtEnd {
		if from.log.New {
			return nil
		}
		var at time.Time
		end, at, err = lg.LogEnd(ctx, subject)
		if err != nil || end == 0 || from.log.Seq > end || at.Before(from.log.Time) {
			return err // nothing to read: a reader would wait for the next message
		}
	}
	r, err := lg.ReadLog(ctx, subject, from.log)
	if err != nil {
		return err
	}
	defer r.Close()
	seen := newSeqs()
	for {
		entry, err := r.Next(ctx)
		if err != nil {
			return err
		}
		evs, err := Decode(entry.Data)
		if err != nil {
			return fmt.Errorf("events: message %d: %w", entry.Seq, err)
		}
		for i, ce := range evs {
			ev := Event{Event: ce, Position: Position{Seq: entry.Seq, Index: i}}
			if from.after != nil && (entry.Seq < from.after.Seq || entry.Seq == from.after.Seq && i <= from.after.Index) {
				continue
			}
			if len(filter.Workflows) > 1 && !slices.Contains(filter.Workflows, ev.WorkflowName()) {
				continue
			}
			if !seen.first(ev) {
				continue
			}
			if err := fn(ev); err != nil {
				return err
			}
		}
		if stopAtEnd && entry.Seq >= end {
			return nil
		}
	}
}

// Decode decodes the data of a message of the stream: a JSON array of
// CloudEvents (structured mode), each validated.
func Decode(data []byte) ([]cloudevents.Event, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		return nil, fmt.Errorf("decode events: %w", err)
	}
	out := make([]cloudevents.Event, 0, len(raws))
	for _, raw := range raws {
		ev := cloudevents.NewEvent()
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, fmt.Errorf("decode event: %w", err)
		}
		if err := ev.Validate(); err != nil {
			return nil, fmt.Errorf("invalid event %q: %w", ev.ID(), err)
		}
		out = append(out, ev)
	}
	return out, nil
}

// seqs remembers the last workflowseq read of recent instances: an engine
// event at or below it is a copy (an outbox published again after the
// stream's deduplication window, or apart from the merged message that
// carried it first), since an instance's events are stored in order. Task
// events, which have no workflowseq, are remembered by id.
type seqs struct {
	last  map[string]int
	tasks map[string]bool
}

// maxSeqs bounds the instances remembered: beyond, all are forgotten
// (a late copy of an event of a forgotten instance is then delivered).
const maxSeqs = 100_000

func newSeqs() *seqs { return &seqs{last: map[string]int{}, tasks: map[string]bool{}} }

// first reports whether ev is not a copy of an engine event already read.
func (s *seqs) first(ev Event) bool {
	seq := ev.WorkflowSeq()
	if seq == 0 { // a task event
		if s.tasks[ev.ID()] {
			return false
		}
		if len(s.tasks) >= maxSeqs {
			clear(s.tasks)
		}
		s.tasks[ev.ID()] = true
		return true
	}
	key := ev.WorkflowName() + "\x00" + ev.WorkflowID()
	if last, ok := s.last[key]; ok && seq <= last {
		return false
	}
	if len(s.last) >= maxSeqs {
		clear(s.last)
	}
	s.last[key] = seq
	return true
}
