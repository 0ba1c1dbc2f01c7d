// Package schedule starts workflows on a calendar: a cron expression or a
// fixed interval, with a time zone, jitter, an overlap policy and
// catch-up after downtime (Temporal's schedules, DBOS's scheduled
// workflows).
//
//	err := schedule.Create(ctx, c, "nightly-export",
//		schedule.Spec{Cron: "0 2 * * *", TimeZone: "Europe/Paris"},
//		Export.Run, ExportInput{Bucket: "backups"})
//
// Pause, Resume, Trigger (a run now), Describe, List and Delete act on a
// schedule by name; `infinitic schedule ...` does the same from a shell,
// and a worker configured by a file (package config) creates the
// schedules its `schedules:` section declares.
//
// # How it works
//
// A schedule is an instance of the built-in workflow InfiniticSchedule,
// whose custom id is the schedule's name: workers run it once they call
// Host. It sleeps on a durable timer until its next slot, then starts the
// run of that slot as a detached child workflow whose id is
// "<name>/<slot, RFC 3339, UTC>", such as
// "nightly-export/2030-01-02T01:00:00Z". So:
//
//   - a slot starts at most once: the start is a command recorded in the
//     schedule's history (replays do not issue it again), its message has
//     a stable id, and a start of an id that exists joins that instance.
//     This holds across crashes (kill -9), restarts and any number of
//     engines hosting the workflow (the schedule's state is saved with
//     compare-and-set like any instance's);
//   - a slot is not lost: the timer is durable, and a slot whose time
//     came while no worker ran starts when one runs again, if it is late
//     by less than Spec.CatchUpWindow (Spec.CatchUp: every such slot, or
//     the latest); older ones are counted as missed;
//   - runs are ordinary instances of their workflow, tagged
//     "schedule:<name>": await, describe or cancel them as usual.
//     Deleting the schedule (a cancel of its instance) leaves them
//     running.
//
// With overlap OverlapSkip (the default) or OverlapBufferOne, the
// schedule follows its runs and starts the next one only when the
// previous one ended; OverlapAllow does not wait.
//
// Pause, Resume, Trigger and Create of an existing schedule are values
// sent to the instance's "control" channel; Describe is a getter. So
// everything a schedule does shows in the instance's history
// (`infinitic workflow history InfiniticSchedule <id>`) and in the event
// stream: a child dispatched per run (its id is the run's), a timer per
// wait, a signal per command. The instance continues as new every 100
// wake-ups (when no run it follows is running), so its history stays
// small.
//
// # Time
//
// Slots and run times are computed in workflow code from the instance's
// deterministic clock (workflow.Now): jitter is derived from the name and
// the slot, so a replay on another engine computes the same instants.
// Cron expressions are read by github.com/robfig/cron/v3, in
// Spec.TimeZone (or the expression's CRON_TZ=), with its handling of
// daylight saving time (a time that does not exist that day is skipped).
package schedule
