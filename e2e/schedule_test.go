package e2e_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/clock"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/schedule"
	"github.com/infinitic-go/infinitic/worker"
	"github.com/infinitic-go/infinitic/workflow"
)

// Job is what the schedules of these tests start.
type Job interface {
	Quick(ctx workflow.Context, in string) (string, error)
	// Hold runs until it receives on Release.
	Hold(ctx workflow.Context, in string) (string, error)
}

// Release ends a Job.Hold.
var Release = workflow.NewChannel[Job, bool]("release")

type job struct{}

func (job) Quick(_ workflow.Context, in string) (string, error) { return in, nil }

func (job) Hold(ctx workflow.Context, in string) (string, error) {
	_, err := Release.Receive(ctx).Await(ctx)
	return in, err
}

func registerSchedules(t *testing.T, w *worker.Worker) {
	if err := errors.Join(schedule.Host(w), worker.AddWorkflow(w, func() Job { return job{} })); err != nil {
		t.Fatal(err)
	}
}

// scheduleDeployment is a deployment whose clock the test drives: on
// memory a fake clock that does not skip (a schedule always waits for a
// timer), on embedded the real clock, whose slots the test brings forward
// with CompleteTimers on the schedule's instance.
func onScheduleBackends(t *testing.T, test func(*testing.T, *deployment)) {
	t.Run("memory", func(t *testing.T) {
		env := infinitictest.New(t, infinitictest.WithoutTimeSkipping())
		registerSchedules(t, env.Worker)
		env.Start()
		test(t, &deployment{Worker: env.Worker, Client: env.Client, Transport: env.Transport, Store: env.Store, Mem: env})
	})
	t.Run("embedded", func(t *testing.T) {
		test(t, startEmbedded(t, registerSchedules))
	})
}

// describe waits until schedule name satisfies cond, and returns it.
func describeWhen(ctx context.Context, t *testing.T, d *deployment, name, what string, cond func(schedule.Description) bool) schedule.Description {
	t.Helper()
	// Polled: each Describe is a transport change, so waiting for changes
	// on memory would call it in a busy loop.
	for {
		desc, err := schedule.Describe(ctx, d.Client, name)
		if err == nil && cond(desc) {
			return desc
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: %s: never happened (last: %+v, %v)", name, what, desc, err)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// nextSlot brings the next slot of schedule name: on memory the clock
// moves to its run time, on embedded its timer fires now.
func nextSlot(ctx context.Context, t *testing.T, d *deployment, name string) time.Time {
	t.Helper()
	desc := describeWhen(ctx, t, d, name, "has a next slot", func(d schedule.Description) bool { return !d.Next.IsZero() })
	if d.Mem != nil {
		d.Mem.Clock.Set(desc.NextRun)
		return desc.Next
	}
	run, err := client.Attach(d.Client, schedule.InfiniticSchedule.Run, desc.ID)
	if err == nil {
		err = run.CompleteTimers(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	return desc.Next
}

// awaitRun waits for run id of a Job and returns its result. A run
// starts asynchronously: Await fails with ErrInstanceNotFound until its
// engine applied the start.
func awaitRun(ctx context.Context, t *testing.T, d *deployment, id string) string {
	t.Helper()
	run, err := client.Attach(d.Client, Job.Quick, id)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	d.waitFor(ctx, t, "run "+id+" started", func() bool {
		_, err := run.Describe(ctx)
		return err == nil
	})
	if out, err = run.Await(ctx); err != nil {
		t.Fatalf("run %s: %v", id, err)
	}
	return out
}

func TestScheduleIntervalStartsEachSlotOnce(t *testing.T) {
	onScheduleBackends(t, func(t *testing.T, d *deployment) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := schedule.Create(ctx, d.Client, "every-hour", schedule.Spec{Every: time.Hour, Overlap: schedule.OverlapAllow}, Job.Quick, "tick"); err != nil {
			t.Fatal(err)
		}
		var slots []time.Time
		for i := range 3 {
			slot := nextSlot(ctx, t, d, "every-hour")
			if slot.Minute() != 0 || slot.Second() != 0 {
				t.Fatalf("slot %v: want a full hour", slot)
			}
			desc := describeWhen(ctx, t, d, "every-hour", "started a run", func(d schedule.Description) bool { return d.Started == i+1 })
			id := desc.Recent[len(desc.Recent)-1].ID
			if want := "every-hour/" + slot.Format(time.RFC3339); id != want {
				t.Fatalf("run id %q, want %q", id, want)
			}
			if got := awaitRun(ctx, t, d, id); got != "tick" {
				t.Fatalf("run result %q", got)
			}
			slots = append(slots, slot)
		}
		for i := 1; i < len(slots); i++ {
			if slots[i].Sub(slots[i-1]) != time.Hour {
				t.Fatalf("slots %v: want one hour apart", slots)
			}
		}
	})
}

func TestScheduleCronInTimeZone(t *testing.T) {
	onScheduleBackends(t, func(t *testing.T, d *deployment) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		spec := schedule.Spec{Cron: "30 9 * * MON-FRI", TimeZone: "Europe/Paris", Overlap: schedule.OverlapAllow}
		if err := schedule.Create(ctx, d.Client, "standup", spec, Job.Quick, "standup"); err != nil {
			t.Fatal(err)
		}
		paris, err := time.LoadLocation("Europe/Paris")
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			slot := nextSlot(ctx, t, d, "standup")
			local := slot.In(paris)
			if local.Hour() != 9 || local.Minute() != 30 || local.Weekday() == time.Saturday || local.Weekday() == time.Sunday {
				t.Fatalf("slot %v (%v in Paris): want 9:30 on a weekday", slot, local)
			}
			desc := describeWhen(ctx, t, d, "standup", "started", func(d schedule.Description) bool { return d.Started == i+1 })
			awaitRun(ctx, t, d, desc.Recent[i].ID)
		}
	})
}

func TestScheduleJitterIsWithinBoundsAndStable(t *testing.T) {
	onScheduleBackends(t, func(t *testing.T, d *deployment) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		spec := schedule.Spec{Every: time.Hour, Jitter: 10 * time.Minute, Overlap: schedule.OverlapAllow}
		if err := schedule.Create(ctx, d.Client, "jittery", spec, Job.Quick, "j"); err != nil {
			t.Fatal(err)
		}
		delays := map[time.Duration]bool{}
		for i := range 4 {
			desc := describeWhen(ctx, t, d, "jittery", "has a next run", func(d schedule.Description) bool { return !d.Next.IsZero() })
			delay := desc.NextRun.Sub(desc.Next)
			if delay < 0 || delay >= spec.Jitter {
				t.Fatalf("run at %v for slot %v: delay %v out of [0, %v)", desc.NextRun, desc.Next, delay, spec.Jitter)
			}
			delays[delay] = true
			nextSlot(ctx, t, d, "jittery")
			describeWhen(ctx, t, d, "jittery", "started", func(d schedule.Description) bool { return d.Started == i+1 })
		}
		if len(delays) < 2 {
			t.Fatalf("delays %v: want them to vary with the slot", delays)
		}
	})
}

// release ends the Job.Hold run id.
func release(ctx context.Context, t *testing.T, d *deployment, id string) {
	t.Helper()
	if err := client.Send(ctx, d.Client, Release, id, true); err != nil {
		t.Fatalf("release %s: %v", id, err)
	}
	awaitRun(ctx, t, d, id)
}

func TestScheduleOverlapPolicies(t *testing.T) {
	for _, c := range []struct {
		overlap schedule.Overlap
		// after three slots while the first run holds:
		started, skipped int
		buffered         bool
		// after the first run is released:
		thenStarted int
	}{
		{schedule.OverlapSkip, 1, 2, false, 1},
		{schedule.OverlapBufferOne, 1, 1, true, 2},
		{schedule.OverlapAllow, 3, 0, false, 3},
	} {
		t.Run(string(c.overlap), func(t *testing.T) {
			onScheduleBackends(t, func(t *testing.T, d *deployment) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				name := "overlap-" + string(c.overlap)
				if err := schedule.Create(ctx, d.Client, name, schedule.Spec{Every: time.Hour, Overlap: c.overlap}, Job.Hold, "held"); err != nil {
					t.Fatal(err)
				}
				var slots []time.Time
				for range 3 {
					slots = append(slots, nextSlot(ctx, t, d, name))
					describeWhen(ctx, t, d, name, "handled the slot", func(d schedule.Description) bool { return d.Last.Equal(slots[len(slots)-1]) })
				}
				desc, err := schedule.Describe(ctx, d.Client, name)
				if err != nil {
					t.Fatal(err)
				}
				if desc.Started != c.started || desc.Skipped != c.skipped || (desc.Buffered != nil) != c.buffered {
					t.Fatalf("started %d skipped %d buffered %v, want %d %d %v", desc.Started, desc.Skipped, desc.Buffered, c.started, c.skipped, c.buffered)
				}
				release(ctx, t, d, desc.Recent[0].ID)
				desc = describeWhen(ctx, t, d, name, "applied the end of the first run", func(d schedule.Description) bool {
					return d.Buffered == nil && d.Started == c.thenStarted && (c.overlap == schedule.OverlapAllow || len(d.Running) == c.thenStarted-1)
				})
				if c.overlap == schedule.OverlapBufferOne {
					if want := "overlap-bufferOne/" + slots[1].Format(time.RFC3339); desc.Recent[1].ID != want {
						t.Fatalf("buffered run %q, want %q", desc.Recent[1].ID, want)
					}
				}
				for _, r := range desc.Recent[1:] {
					release(ctx, t, d, r.ID)
				}
			})
		})
	}
}

func TestScheduleCatchUpAfterDowntime(t *testing.T) {
	// Only memory can jump the clock; embedded downtime is in
	// TestScheduleSurvivesRestart and the crash test.
	for _, c := range []struct {
		catchUp         schedule.CatchUp
		started, missed int
	}{
		{schedule.CatchUpAll, 2, 3},
		{schedule.CatchUpLatest, 1, 4},
	} {
		t.Run(string(c.catchUp), func(t *testing.T) {
			env := infinitictest.New(t, infinitictest.WithoutTimeSkipping())
			registerSchedules(t, env.Worker)
			env.Start()
			d := &deployment{Client: env.Client, Transport: env.Transport, Store: env.Store, Mem: env}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			spec := schedule.Spec{Every: time.Hour, CatchUpWindow: 90 * time.Minute, CatchUp: c.catchUp, Overlap: schedule.OverlapAllow}
			if err := schedule.Create(ctx, env.Client, "catchup", spec, Job.Quick, "late"); err != nil {
				t.Fatal(err)
			}
			first := describeWhen(ctx, t, d, "catchup", "has a next slot", func(d schedule.Description) bool { return !d.Next.IsZero() }).Next
			// Five slots pass while nothing runs the schedule; the last
			// two are at most 90 minutes old.
			env.Clock.Set(first.Add(4*time.Hour + 30*time.Minute))
			desc := describeWhen(ctx, t, d, "catchup", "caught up", func(d schedule.Description) bool { return d.Last.Equal(first.Add(4 * time.Hour)) })
			if desc.Started != c.started || desc.Missed != c.missed {
				t.Fatalf("started %d missed %d, want %d %d", desc.Started, desc.Missed, c.started, c.missed)
			}
			if want := "catchup/" + first.Add(4*time.Hour).Format(time.RFC3339); desc.Recent[len(desc.Recent)-1].ID != want {
				t.Fatalf("last run %q, want %q", desc.Recent[len(desc.Recent)-1].ID, want)
			}
			for _, r := range desc.Recent {
				awaitRun(ctx, t, d, r.ID)
			}
		})
	}
}

func TestSchedulePauseResumeTriggerDelete(t *testing.T) {
	onScheduleBackends(t, func(t *testing.T, d *deployment) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := schedule.Create(ctx, d.Client, "ops", schedule.Spec{Every: time.Hour}, Job.Hold, "ops"); err != nil {
			t.Fatal(err)
		}
		if err := schedule.Pause(ctx, d.Client, "ops", "maintenance"); err != nil {
			t.Fatal(err)
		}
		desc := describeWhen(ctx, t, d, "ops", "paused", func(d schedule.Description) bool { return d.Paused })
		if desc.Note != "maintenance" || !desc.Next.IsZero() {
			t.Fatalf("paused: note %q next %v", desc.Note, desc.Next)
		}
		id, err := schedule.Trigger(ctx, d.Client, "ops")
		if err != nil {
			t.Fatal(err)
		}
		desc = describeWhen(ctx, t, d, "ops", "triggered", func(d schedule.Description) bool { return d.Started == 1 })
		if r := desc.Recent[0]; r.ID != id || !r.Trigger {
			t.Fatalf("recent %+v, want trigger %s", r, id)
		}
		if err := schedule.Resume(ctx, d.Client, "ops"); err != nil {
			t.Fatal(err)
		}
		describeWhen(ctx, t, d, "ops", "resumed", func(d schedule.Description) bool { return !d.Paused && !d.Next.IsZero() })
		list, err := schedule.List(ctx, d.Client)
		if err != nil || len(list) != 1 || list[0].Name != "ops" {
			t.Fatalf("list %+v %v", list, err)
		}
		if err := schedule.Delete(ctx, d.Client, "ops"); err != nil {
			t.Fatal(err)
		}
		if _, err := schedule.Describe(ctx, d.Client, "ops"); !errors.Is(err, schedule.ErrNotFound) || !errors.Is(err, infinitic.ErrInstanceNotFound) {
			t.Fatalf("describe after delete: %v", err)
		}
		if err := schedule.Pause(ctx, d.Client, "ops", ""); !errors.Is(err, schedule.ErrNotFound) {
			t.Fatalf("pause after delete: %v", err)
		}
		// The run started before the delete goes on.
		release(ctx, t, d, id)
		// The name is free again.
		if err := schedule.Create(ctx, d.Client, "ops", schedule.Spec{Every: time.Hour}, Job.Quick, "again"); err != nil {
			t.Fatal(err)
		}
		describeWhen(ctx, t, d, "ops", "created again", func(d schedule.Description) bool { return d.Started == 0 && !d.Next.IsZero() })
	})
}

func TestScheduleCreateIsIdempotentAndUpdates(t *testing.T) {
	onScheduleBackends(t, func(t *testing.T, d *deployment) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for range 2 {
			if err := schedule.Create(ctx, d.Client, "report", schedule.Spec{Every: time.Hour}, Job.Quick, "v1"); err != nil {
				t.Fatal(err)
			}
		}
		first := describeWhen(ctx, t, d, "report", "created", func(d schedule.Description) bool { return !d.Next.IsZero() })
		list, err := schedule.List(ctx, d.Client)
		if err != nil || len(list) != 1 {
			t.Fatalf("list %+v %v: want one schedule", list, err)
		}
		if err := schedule.Create(ctx, d.Client, "report", schedule.Spec{Every: 2 * time.Hour}, Job.Quick, "v2", schedule.WithTags("v2")); err != nil {
			t.Fatal(err)
		}
		desc := describeWhen(ctx, t, d, "report", "updated", func(d schedule.Description) bool { return d.Spec.Every == 2*time.Hour })
		if desc.ID != first.ID || !desc.Created.Equal(first.Created) {
			t.Fatalf("update made a new schedule: %s %v, was %s %v", desc.ID, desc.Created, first.ID, first.Created)
		}
		nextSlot(ctx, t, d, "report")
		desc = describeWhen(ctx, t, d, "report", "started", func(d schedule.Description) bool { return d.Started == 1 })
		if got := awaitRun(ctx, t, d, desc.Recent[0].ID); got != "v2" {
			t.Fatalf("run of the updated schedule got %q", got)
		}
	})
}

func TestScheduleSlotStartsOnceWithTwoEngines(t *testing.T) {
	onScheduleBackends(t, func(t *testing.T, d *deployment) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// A second worker hosts the schedules too, on the same backend:
		// both engines consume the schedule's messages.
		var clk clock.Clock
		if d.Mem != nil {
			clk = d.Mem.Clock
		}
		w2, err := worker.New(worker.Config{Transport: d.Transport, Store: d.Store, Clock: clk, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		registerSchedules(t, w2)
		runCtx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- w2.Run(runCtx) }()
		defer func() {
			stop()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}()
		if err := schedule.Create(ctx, d.Client, "twice", schedule.Spec{Every: time.Minute, Overlap: schedule.OverlapAllow}, Job.Quick, "once"); err != nil {
			t.Fatal(err)
		}
		const slots = 6
		for i := range slots {
			nextSlot(ctx, t, d, "twice")
			describeWhen(ctx, t, d, "twice", "started", func(d schedule.Description) bool { return d.Started == i+1 })
		}
		desc, err := schedule.Describe(ctx, d.Client, "twice")
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, r := range desc.Recent {
			if seen[r.ID] {
				t.Fatalf("run %s started twice: %+v", r.ID, desc.Recent)
			}
			seen[r.ID] = true
			awaitRun(ctx, t, d, r.ID)
		}
		if desc.Started != slots || len(seen) != slots {
			t.Fatalf("started %d, %d distinct runs, want %d", desc.Started, len(seen), slots)
		}
	})
}

func TestScheduleSurvivesRestart(t *testing.T) {
	d := startEmbedded(t, registerSchedules)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := schedule.Create(ctx, d.Client, "durable", schedule.Spec{Every: time.Hour, Overlap: schedule.OverlapSkip}, Job.Hold, "d"); err != nil {
		t.Fatal(err)
	}
	first := nextSlot(ctx, t, d, "durable")
	describeWhen(ctx, t, d, "durable", "started", func(d schedule.Description) bool { return d.Started == 1 })
	d = d.restarted(t)
	// The run it follows still holds: the next slot is skipped.
	nextSlot(ctx, t, d, "durable")
	desc := describeWhen(ctx, t, d, "durable", "skipped", func(d schedule.Description) bool { return d.Skipped == 1 })
	if len(desc.Running) != 1 || desc.Running[0] != "durable/"+first.Format(time.RFC3339) {
		t.Fatalf("running %v after restart", desc.Running)
	}
	release(ctx, t, d, desc.Running[0])
	d = d.restarted(t)
	describeWhen(ctx, t, d, "durable", "saw the run end", func(d schedule.Description) bool { return len(d.Running) == 0 })
	third := nextSlot(ctx, t, d, "durable")
	desc = describeWhen(ctx, t, d, "durable", "started again", func(d schedule.Description) bool { return d.Started == 2 })
	if id := desc.Recent[1].ID; id != "durable/"+third.Format(time.RFC3339) {
		t.Fatalf("run %s, want the third slot %v", id, third)
	}
	release(ctx, t, d, desc.Recent[1].ID)
}
