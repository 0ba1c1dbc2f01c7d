package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/infinitic-go/infinitic/admin"
)

// timeFormat prints instants in UTC to the millisecond.
const timeFormat = "2006-01-02T15:04:05.000Z"

func instant(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(timeFormat)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// printInstance prints an instance as aligned "field value" lines,
// followed by its pending steps and its error chain.
func printInstance(w io.Writer, in *admin.Instance) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	field := func(name, value string) { fmt.Fprintf(tw, "%s\t%s\n", name, value) }
	field("Workflow", in.Workflow)
	field("ID", in.ID)
	field("Status", string(in.Status))
	field("Method", orDash(in.Method))
	field("Version", strconv.Itoa(in.Version))
	field("Tags", orDash(strings.Join(in.Tags, ", ")))
	field("Custom id", orDash(in.CustomID))
	var meta, search []string
	for _, k := range slices.Sorted(maps.Keys(in.Meta)) {
		meta = append(meta, k+"="+in.Meta[k])
	}
	field("Meta", orDash(strings.Join(meta, ", ")))
	for _, k := range slices.Sorted(maps.Keys(in.Search)) {
		v := in.Search[k]
		if t, ok := v.(time.Time); ok {
			v = t.Format(time.RFC3339Nano)
		}
		search = append(search, fmt.Sprintf("%s=%v", k, v))
	}
	field("Search", orDash(strings.Join(search, ", ")))
	field("Started", instant(in.Started))
	field("Ended", instant(in.Ended))
	if !in.Deadline.IsZero() {
		field("Deadline", instant(in.Deadline))
	}
	if in.Run > 0 {
		field("Run", strconv.Itoa(in.Run)+" (continued as new)")
	}
	if retries := in.Generation - in.Run; retries > 0 {
		field("Retries", strconv.Itoa(retries))
	}
	parent := "-"
	if in.Parent != nil {
		parent = in.Parent.Workflow + " " + in.Parent.ID
	}
	field("Parent", parent)
	var children []string
	for _, c := range in.Children {
		children = append(children, c.Workflow+" "+c.ID)
	}
	field("Children", orDash(strings.Join(children, ", ")))
	if len(in.Methods) > 0 {
		field("Methods", strings.Join(in.Methods, ", "))
	}
	if in.Output != nil {
		field("Output", string(in.Output))
	}
	if in.Buffered > 0 {
		field("Buffered", strconv.Itoa(in.Buffered)+" message(s) waiting for the start")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(in.Pending) > 0 {
		fmt.Fprintln(w, "\nWaiting for:")
		if err := printSteps(w, in.Pending); err != nil {
			return err
		}
	}
	if in.Error != nil {
		fmt.Fprintln(w, "\nError:")
		printChain(w, in.Error, "  ")
	}
	return nil
}

// printChain prints an error chain, each cause indented under its error.
func printChain(w io.Writer, f *admin.Failure, indent string) {
	for i, msg := range f.Chain {
		fmt.Fprintf(w, "%s%s%s\n", indent, strings.Repeat("  ", i), msg)
	}
}

// printSteps prints steps as a table; errors follow their step's line.
func printSteps(w io.Writer, steps []admin.Step) error {
	if len(steps) == 0 {
		_, err := fmt.Fprintln(w, "(no history: completed and canceled instances keep only their outcome)")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "POS\tKIND\tTARGET\tSTATUS\tAT\tDONE\tATTEMPTS\tDETAIL")
	for _, s := range steps {
		pos := strconv.Itoa(s.Position)
		if s.Position < 0 {
			pos = "-"
		}
		attempts := "-"
		if s.Attempts > 0 {
			attempts = strconv.Itoa(s.Attempts)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", pos, s.Kind, orDash(s.Target), s.Status, instant(s.At), instant(s.Done), attempts, detail(s))
	}
	return tw.Flush()
}

// detail is the most telling fact of a step, on one line.
func detail(s admin.Step) string {
	switch {
	case s.Error != nil:
		return "error: " + strings.Join(s.Error.Chain, ": ")
	case s.Child != nil:
		return "child " + s.Child.ID
	case s.Kind == admin.StepTimer && s.Status == admin.StepPending:
		return "due " + instant(s.Due)
	case s.Output != nil:
		return "output " + clip(string(s.Output))
	case s.Input != nil:
		return "input " + clip(string(s.Input))
	case s.TaskID != "":
		return "task " + s.TaskID
	}
	return ""
}

// clip shortens a payload for a table cell.
func clip(s string) string {
	const width = 60
	if len(s) > width {
		return s[:width] + "…"
	}
	return s
}
