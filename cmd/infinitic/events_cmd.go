package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/infinitic-go/infinitic/events"
)

func newEventsCmd() *cobra.Command {
	f := &opsFlags{}
	var (
		follow    bool
		workflows []string
		from      string
		fromSeq   uint64
	)
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Print the event stream: a CloudEvent per workflow and task transition",
		Long: `events prints the lifecycle events of workflow instances and their tasks
(CloudEvents, see docs/events.md), oldest first, in stream order: each
instance's events are in the order of its transitions.

Without --follow it prints the events stored now, then exits; with --follow
it goes on printing new events until interrupted. --from (an RFC 3339 time)
or --from-seq (a stream position, the SEQ column) start later than the
oldest event kept.

It connects like 'infinitic workflow': --server (or $INFINITIC_SERVER), or
--data-dir. --output json prints one CloudEvent (JSON) per line.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.output != "table" && f.output != "json" {
				return usagef(`--output %q: want "table" or "json"`, f.output)
			}
			start := events.FromStart()
			switch {
			case from != "" && fromSeq > 0:
				return usagef("give --from or --from-seq, not both")
			case from != "":
				t, err := time.Parse(time.RFC3339Nano, from)
				if err != nil {
					return usagef("--from %q: want an RFC 3339 time such as 2026-12-01T09:00:00Z", from)
				}
				start = events.FromTime(t)
			case fromSeq > 0:
				start = events.FromSeq(fromSeq)
			}
			connecting, cancel := context.WithTimeout(cmd.Context(), f.timeout)
			defer cancel()
			_, tr, closeAll, err := f.connect(connecting)
			if err != nil {
				return err
			}
			defer closeAll()
			out := cmd.OutOrStdout()
			if f.output == "table" {
				fmt.Fprintf(out, "%-8s %-24s %-42s %-12s %s\n", "SEQ", "TIME", "TYPE", "WORKFLOW", "ID")
			}
			print := func(e events.Event) error { return printEvent(out, f.output, e) }
			filter := events.Filter{Workflows: workflows}
			if follow {
				return events.Listen(cmd.Context(), tr, start, filter, print)
			}
			return events.Read(cmd.Context(), tr, start, filter, print)
		},
	}
	f.addBackendFlags(cmd.Flags())
	cmd.Flags().StringVarP(&f.output, "output", "o", "table", `output format: "table" or "json" (one CloudEvent per line)`)
	cmd.Flags().DurationVar(&f.timeout, "timeout", 30*time.Second, "how long connecting may take")
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new events until interrupted")
	cmd.Flags().StringSliceVar(&workflows, "workflow", nil, "only the events of this workflow (repeatable)")
	cmd.Flags().StringVar(&from, "from", "", "start at the first event stored at or after this RFC 3339 time")
	cmd.Flags().Uint64Var(&fromSeq, "from-seq", 0, "start at this stream position")
	return cmd
}

// printEvent prints e as a table row or a JSON line.
func printEvent(w io.Writer, output string, e events.Event) error {
	if output == "json" {
		line, err := json.Marshal(e.Event)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", line)
		return err
	}
	_, err := fmt.Fprintf(w, "%-8d %-24s %-42s %-12s %s\n", e.Position.Seq, e.Time().UTC().Format("2006-01-02T15:04:05.000Z"),
		e.Type(), e.WorkflowName(), e.Subject())
	return err
}
