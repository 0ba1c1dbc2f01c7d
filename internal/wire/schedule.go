package wire

import "time"

// Ids of the runs that schedules start (package schedule). A run's id is
// its exactly-once: a schedule starts each slot as a child workflow of
// this id, and a start of an id that exists joins it. So these formats
// are part of the protocol: TestScheduleIDs pins them.

// ScheduleRunID is the id of the run of schedule name for slot.
func ScheduleRunID(name string, slot time.Time) string {
	return name + "/" + slot.UTC().Format(time.RFC3339)
}

// ScheduleTriggerID is the id of a run of schedule name started by hand
// (Trigger); request is a uuid made once per call.
func ScheduleTriggerID(name, request string) string { return name + "/trigger-" + request }

// ScheduleTag tags every schedule instance: listing the tag lists the
// schedules.
const ScheduleTag = "infinitic:schedule"
