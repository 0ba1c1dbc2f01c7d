package schedule

import (
	"reflect"
	"slices"
	"time"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/workflow"
)

// InfiniticSchedule is the workflow that runs schedules: one instance per
// schedule, whose custom id is the schedule's name. Host registers it on
// a worker. Its instances show in `infinitic workflow list
// InfiniticSchedule`, in Describe and History, and in the event stream:
// each run is a child dispatched with the run's id, each wait a timer,
// each pause, resume, trigger and update a value received on channel
// "control".
type InfiniticSchedule interface {
	// Run runs the schedule st until it is deleted (canceled).
	Run(ctx workflow.Context, st State) (State, error)
	// Describe is a getter: the schedule as it is now.
	Describe(ctx workflow.Context) (Description, error)
}

// command is what a client sends to a schedule: one of the ops below.
type command struct {
	Op   string `json:"op"`
	Note string `json:"note,omitempty"` // pause
	ID   string `json:"id,omitempty"`   // trigger: the run's id
	// update: the new definition (its Name, progress and Paused are
	// ignored).
	State *State `json:"state,omitempty"`
}

const (
	opPause   = "pause"
	opResume  = "resume"
	opTrigger = "trigger"
	opUpdate  = "update"
)

// control carries the commands of clients to schedules.
var control = workflow.NewChannel[InfiniticSchedule, command]("control")

// continueEvery is how many wake-ups a schedule's run handles before it
// continues as new (once no run it follows is running): its history
// stays a few hundred records long.
const continueEvery = 100

// scheduler implements InfiniticSchedule.
type scheduler struct {
	st       State
	sl       slots
	next     time.Time // the next slot, zero when paused
	running  []pending // runs followed (overlap skip and bufferOne)
	buffered *Run      // bufferOne: the run waiting for the running one
}

// pending is a run that the scheduler follows.
type pending struct {
	Run
	done workflow.Deferred[struct{}]
}

func (s *scheduler) Run(ctx workflow.Context, st State) (State, error) {
	sl, err := st.Spec.compile()
	if err != nil {
		return st, err
	}
	s.st, s.sl = st, sl
	if s.st.Created.IsZero() {
		s.st.Created = workflow.Now(ctx)
		s.st.Last = s.st.Created // the first slot is the first after creation
	}
	ctl := control.Receive(ctx)
	var timer workflow.Deferred[time.Time]
	var timerAt time.Time
	for wakes := 0; ; wakes++ {
		if wakes >= continueEvery && len(s.running) == 0 && s.buffered == nil {
			return s.st, workflow.ContinueAsNew(ctx, InfiniticSchedule.Run, s.st)
		}
		waits := []workflow.Waitable{ctl}
		s.next = time.Time{}
		if !s.st.Paused {
			if s.next = s.sl.next(s.st.Last); !s.next.IsZero() {
				if at := s.runAt(s.next); at != timerAt || timer.Status() == workflow.StatusUnknown {
					timer, timerAt = workflow.TimerUntil(ctx, at), at
				}
				waits = append(waits, timer)
			}
		}
		for _, r := range s.running {
			waits = append(waits, r.done)
		}
		i, err := workflow.AnyOf(waits...).Await(ctx)
		if err != nil {
			return s.st, err
		}
		switch {
		case i == 0:
			cmd, err := ctl.Await(ctx)
			ctl = control.Receive(ctx)
			if err == nil {
				s.apply(ctx, cmd)
			}
		case i == 1 && !s.next.IsZero():
			s.wake(ctx, timerAt)
		default:
			s.ended(ctx, i-len(waits)+len(s.running))
		}
	}
}

// runAt is when the run of slot starts: slot plus its jitter.
func (s *scheduler) runAt(slot time.Time) time.Time {
	return slot.Add(jitter(s.st.Name, slot, s.st.Spec.Jitter))
}

// wake starts the runs of the slots that came, when the timer for the
// next run (due at) fired: now is taken as at least at, even if the
// timer fired early (Run.CompleteTimers).
func (s *scheduler) wake(ctx workflow.Context, at time.Time) {
	now := workflow.Now(ctx)
	if now.Before(at) {
		now = at
	}
	start, missed, done := s.st.Spec.due(s.st.Name, s.sl, s.st.Last, now)
	s.st.Missed += missed
	s.st.Last = done
	if missed > 0 {
		workflow.Logger(ctx).Warn("schedule missed slots (later than its catch-up window)", "schedule", s.st.Name, "missed", missed)
	}
	for _, slot := range start {
		s.fire(ctx, Run{ID: wire.ScheduleRunID(s.st.Name, slot), Slot: slot})
	}
}

// fire starts r, or skips or buffers it while a followed run runs.
func (s *scheduler) fire(ctx workflow.Context, r Run) {
	policy := s.st.Spec.Overlap
	if len(s.running) > 0 {
		switch {
		case policy == OverlapSkip, policy == OverlapBufferOne && s.buffered != nil:
			s.st.Skipped++
			return
		case policy == OverlapBufferOne:
			s.buffered = &r
			return
		}
	}
	tags := append(slices.Clip(s.st.Tags), "schedule:"+s.st.Name)
	done := startRun(ctx, s.st.Call, r.ID, tags, s.st.Meta)
	if policy != OverlapAllow {
		s.running = append(s.running, pending{Run: r, done: done})
	}
	s.st.remember(r)
}

// ended handles the end of followed run i: a buffered run starts.
func (s *scheduler) ended(ctx workflow.Context, i int) {
	if _, err := s.running[i].done.Await(ctx); err != nil {
		s.st.Failed++
	}
	s.running = slices.Delete(s.running, i, i+1)
	if b := s.buffered; b != nil && len(s.running) == 0 {
		s.buffered = nil
		s.fire(ctx, *b)
	}
}

// apply applies a client's command.
func (s *scheduler) apply(ctx workflow.Context, cmd command) {
	switch cmd.Op {
	case opPause:
		s.st.Paused, s.st.Note = true, cmd.Note
	case opResume:
		if s.st.Paused {
			// Slots while paused are not caught up: the next is after now.
			s.st.Paused, s.st.Note, s.st.Last = false, "", workflow.Now(ctx)
		}
	case opTrigger:
		s.fire(ctx, Run{ID: cmd.ID, Slot: workflow.Now(ctx), Trigger: true})
	case opUpdate:
		s.update(ctx, cmd.State)
	default:
		workflow.Logger(ctx).Warn("schedule: unknown command ignored", "schedule", s.st.Name, "op", cmd.Op)
	}
}

// update replaces the definition if it changed (Create of an existing
// schedule); the progress stays, so missed slots are still caught up.
func (s *scheduler) update(ctx workflow.Context, def *State) {
	if def == nil {
		return
	}
	spec := def.Spec.withDefaults()
	if reflect.DeepEqual(spec, s.st.Spec) && reflect.DeepEqual(def.Call, s.st.Call) &&
		slices.Equal(def.Tags, s.st.Tags) && reflect.DeepEqual(def.Meta, s.st.Meta) {
		return
	}
	sl, err := spec.compile()
	if err != nil {
		workflow.Logger(ctx).Error("schedule: invalid update ignored", "schedule", s.st.Name, "err", err)
		return
	}
	s.sl, s.st.Spec, s.st.Call, s.st.Tags, s.st.Meta = sl, spec, def.Call, def.Tags, def.Meta
}

func (s *scheduler) Describe(workflow.Context) (Description, error) {
	d := Description{State: s.st, Next: s.next, Buffered: s.buffered}
	if !s.next.IsZero() {
		d.NextRun = s.runAt(s.next)
	}
	for _, r := range s.running {
		d.Running = append(d.Running, r.ID)
	}
	return d, nil
}
