package dashboard

import (
	"fmt"
	"slices"
	"time"

	"github.com/infinitic-go/infinitic/admin"
)

// Geometry of the timeline's SVG, in pixels.
const (
	labelWidth = 250 // left column: what each row is
	plotWidth  = 620 // the time axis
	rowHeight  = 24
	axisHeight = 28 // tick labels above the rows
	pointsRow  = 22 // the row of clickable instants under the axis
)

// timeline is a history laid out on a time axis.
type timeline struct {
	Start, End    time.Time
	Width, Height int
	PlotX         int // where the axis starts
	Ticks         []tick
	Rows          []timelineRow
	Points        []point
	Cursor        float64 // x of the selected instant (0: none)
}

type tick struct {
	X     float64
	Label string
}

// timelineRow is one step: a bar from when it began to when it ended
// (now, while pending), or a mark for an instantaneous step.
type timelineRow struct {
	Index  int // the step's index in the history
	Y      int // top of the row
	Label  string
	Status string
	X1, X2 float64
	Mark   bool   // instantaneous: a diamond at X1
	Title  string // what the row says in words
}

// point is an instant of the history where something happened: the
// state can be shown there.
type point struct {
	X        float64
	At       time.Time
	Selected bool
}

// layout lays steps out between the instance's start and its end (now
// while it runs); at, when not zero, is the selected instant.
func layout(in *admin.Instance, steps []admin.Step, now, at time.Time) timeline {
	start, end := in.Started, in.Ended
	if end.IsZero() {
		end = now
	}
	var instants []time.Time
	for _, s := range steps {
		for _, t := range []time.Time{s.At, s.Done} {
			if t.IsZero() {
				continue
			}
			instants = append(instants, t)
			if start.IsZero() || t.Before(start) {
				start = t
			}
			if t.After(end) {
				end = t
			}
		}
	}
	if !in.Started.IsZero() {
		instants = append(instants, in.Started)
	}
	if !in.Ended.IsZero() {
		instants = append(instants, in.Ended)
	}
	if start.IsZero() {
		start = end
	}
	span := max(end.Sub(start), time.Millisecond)
	x := func(t time.Time) float64 {
		if t.IsZero() {
			return float64(labelWidth)
		}
		return float64(labelWidth) + float64(plotWidth)*float64(t.Sub(start))/float64(span)
	}
	tl := timeline{Start: start, End: end, Width: labelWidth + plotWidth + 40, PlotX: labelWidth}
	for i := range 5 {
		d := span * time.Duration(i) / 4
		tl.Ticks = append(tl.Ticks, tick{X: x(start.Add(d)), Label: "+" + roundDuration(d).String()})
	}
	y := axisHeight + pointsRow
	instance := timelineRow{Index: -1, Y: y, Label: "instance " + in.Method, Status: string(in.Status), X1: x(in.Started), X2: x(end),
		Title: fmt.Sprintf("instance %s, %s", in.Method, in.Status)}
	if in.Started.IsZero() {
		instance.X1 = x(start)
	}
	tl.Rows = append(tl.Rows, instance)
	for i, s := range steps {
		y += rowHeight
		row := timelineRow{Index: i, Y: y, Label: stepLabel(s), Status: string(s.Status), X1: x(s.At)}
		switch {
		case !s.Done.IsZero():
			row.X2 = x(s.Done)
		case s.Status == admin.StepPending:
			row.X2 = x(end)
		default:
			row.Mark = true
		}
		row.X2 = max(row.X2, row.X1+2)
		row.Title = stepTitle(s)
		tl.Rows = append(tl.Rows, row)
	}
	tl.Height = y + rowHeight + 8
	slices.SortFunc(instants, func(a, b time.Time) int { return a.Compare(b) })
	instants = slices.CompactFunc(instants, func(a, b time.Time) bool { return a.Equal(b) })
	for _, t := range instants {
		p := point{X: x(t), At: t, Selected: !at.IsZero() && t.Equal(at)}
		if p.Selected {
			tl.Cursor = p.X
		}
		tl.Points = append(tl.Points, p)
	}
	return tl
}

// stepLabel is a row's label: its kind and target.
func stepLabel(s admin.Step) string {
	label := string(s.Kind)
	if s.Target != "" {
		label += " " + s.Target
	}
	if len(label) > 34 {
		label = label[:33] + "…"
	}
	return label
}

// stepTitle says what a step is and how it went, in words.
func stepTitle(s admin.Step) string {
	t := fmt.Sprintf("%s %s: %s", s.Kind, s.Target, s.Status)
	if s.Attempts > 0 {
		t += fmt.Sprintf(" after %d attempt(s)", s.Attempts)
	}
	if s.Error != nil && len(s.Error.Chain) > 0 {
		t += ": " + s.Error.Chain[0]
	}
	return t
}

// roundDuration rounds d for people: to the minute from an hour, to the
// second from a minute, else to three significant digits (to the
// microsecond below a millisecond).
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Hour:
		return d.Round(time.Minute)
	case d >= time.Minute:
		return d.Round(time.Second)
	}
	for _, unit := range []time.Duration{time.Second, time.Millisecond} {
		switch {
		case d >= 100*unit:
			return d.Round(unit)
		case d >= 10*unit:
			return d.Round(unit / 10)
		case d >= unit:
			return d.Round(unit / 100)
		}
	}
	return d.Round(time.Microsecond)
}

// snapshot is the state of an instance at an instant of its history.
type snapshot struct {
	At      time.Time
	Pending []admin.Step // issued, not done yet
	Arrived []admin.Step // done (with their output or error), and values received
}

// stateAt computes what was pending and what had arrived at instant at:
// steps done by then (with their outputs or errors), instantaneous ones
// (starts with their input, signals with their value, inline results),
// and steps issued but not done yet.
func stateAt(steps []admin.Step, at time.Time) snapshot {
	snap := snapshot{At: at}
	for _, s := range steps {
		switch {
		case s.At.After(at):
		case !s.Done.IsZero() && !s.Done.After(at), s.Done.IsZero() && s.Status != admin.StepPending:
			snap.Arrived = append(snap.Arrived, s)
		case waits(s.Kind):
			snap.Pending = append(snap.Pending, s)
		}
	}
	return snap
}

// waits tells whether a step of kind k waits for something to arrive.
func waits(k admin.StepKind) bool {
	switch k {
	case admin.StepTask, admin.StepTimer, admin.StepChild, admin.StepReceive:
		return true
	}
	return false
}
