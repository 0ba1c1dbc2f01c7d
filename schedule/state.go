package schedule

import (
	"time"

	"github.com/infinitic-go/infinitic/client"
)

// State is a schedule's definition and progress: the input of its
// instance, carried from run to run when it continues as new.
type State struct {
	Name string      `json:"name"`
	Spec Spec        `json:"spec"`
	Call client.Call `json:"call"`
	// Tags and Meta are given to each run (besides the tag
	// "schedule:<name>").
	Tags []string          `json:"tags,omitempty"`
	Meta map[string]string `json:"meta,omitempty"`
	// Paused schedules start nothing; Note says why.
	Paused bool   `json:"paused,omitempty"`
	Note   string `json:"note,omitempty"`
	// Created is when the schedule was created; Last the latest slot
	// handled (started, skipped or missed): the next slot comes after it.
	Created time.Time `json:"created"`
	Last    time.Time `json:"last"`
	// Counters since creation: runs started (slots and triggers), slots
	// skipped by the overlap policy, slots missed (later than the
	// catch-up window), tracked runs that failed.
	Started int `json:"started"`
	Skipped int `json:"skipped"`
	Missed  int `json:"missed"`
	Failed  int `json:"failed"`
	// Recent are the latest runs started, oldest first (at most 10).
	Recent []Run `json:"recent,omitempty"`
}

// Run is a run that a schedule started.
type Run struct {
	ID   string    `json:"id"`   // its instance id
	Slot time.Time `json:"slot"` // its slot; for a trigger, when it was asked
	// Trigger is true for a run started by Trigger.
	Trigger bool `json:"trigger,omitempty"`
}

// keepRecent is how many runs State.Recent keeps.
const keepRecent = 10

// Description is a schedule as it is now (Describe, List).
type Description struct {
	State
	// ID is the id of the schedule's instance (of workflow
	// InfiniticSchedule), for `infinitic workflow` commands and events.
	ID string `json:"id"`
	// Next is the next slot, NextRun when its run starts (with jitter);
	// zero when paused.
	Next    time.Time `json:"next,omitzero"`
	NextRun time.Time `json:"nextRun,omitzero"`
	// Running lists the runs still running, with overlap skip and
	// bufferOne (runs with allow are not followed).
	Running []string `json:"running,omitempty"`
	// Buffered is the run waiting for the running one to end (bufferOne).
	Buffered *Run `json:"buffered,omitempty"`
}

// remember records a started run.
func (st *State) remember(r Run) {
	st.Started++
	st.Recent = append(st.Recent, r)
	if len(st.Recent) > keepRecent {
		st.Recent = st.Recent[len(st.Recent)-keepRecent:]
	}
}
