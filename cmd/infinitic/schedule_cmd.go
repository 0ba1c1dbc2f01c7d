package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/schedule"
	"github.com/spf13/cobra"
)

func newScheduleCmd() *cobra.Command {
	f := &opsFlags{}
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Create, list, describe, pause, resume, trigger and delete schedules",
		Long: `schedule manages the schedules that start workflows on a cron expression or at
an interval (package schedule). Workers run them once they host the workflow
InfiniticSchedule (schedule.Host, or a worker configured by a file). Each
schedule is an instance of that workflow whose custom id is its name: "infinitic
workflow history InfiniticSchedule ID" shows what it did.

It connects like "infinitic workflow": --server (or $INFINITIC_SERVER), or an
embedded --data-dir. Output is a table by default, JSON with --output json.
Exit codes:
  0 success
  1 error (connection, store, timeout...)
  2 usage (unknown command or flag, wrong arguments, invalid spec, JSON or name)
  3 not found (no such schedule)`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}
	pf := cmd.PersistentFlags()
	f.addBackendFlags(pf)
	pf.StringVarP(&f.output, "output", "o", "table", `output format: "table" or "json"`)
	pf.DurationVar(&f.timeout, "timeout", 30*time.Second, "how long a command may take (connecting, waiting for an engine's reply)")
	cmd.AddCommand(newScheduleCreateCmd(f), newScheduleListCmd(f), newScheduleDescribeCmd(f),
		scheduleOp(f, "pause", "Stop a schedule from starting runs (running ones go on)", "paused"),
		scheduleOp(f, "resume", "Let a paused schedule start runs again, from the next slot", "resumed"),
		scheduleOp(f, "trigger", "Start a run of a schedule now (subject to its overlap policy)", "triggered"),
		scheduleOp(f, "delete", "Delete a schedule (runs already started go on)", "deleted"))
	return cmd
}

// runClient opens a client on the backend the flags name, runs op with it
// and closes it.
func (f *opsFlags) runClient(cmd *cobra.Command, op func(ctx context.Context, c *client.Client) error) error {
	ctx, cancel, err := f.begin(cmd)
	if err != nil {
		return err
	}
	defer cancel()
	tr, st, closeBackend, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = closeBackend() }()
	c, err := client.New(ctx, client.Config{Transport: tr, Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	return op(ctx, c)
}

// usageOnInvalid reports an invalid spec or name as a usage error.
func usageOnInvalid(err error) error {
	if errors.Is(err, schedule.ErrInvalidSpec) {
		return usageError{err}
	}
	return err
}

func newScheduleCreateCmd(f *opsFlags) *cobra.Command {
	var spec schedule.Spec
	var overlap, catchUp string
	var tags []string
	cmd := &cobra.Command{
		Use:   "create NAME WORKFLOW METHOD [JSON] (--cron EXPR | --every DURATION)",
		Short: "Create a schedule, or update the one of that name",
		Example: `  infinitic schedule create nightly-export Export Run '{"Bucket":"backups"}' --cron "0 2 * * *" --tz Europe/Paris
  infinitic schedule create poll Poller Check --every 5m --jitter 30s --overlap bufferOne`,
		Args: rangeArgs(3, 4, "NAME WORKFLOW METHOD [JSON]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec.Overlap, spec.CatchUp = schedule.Overlap(overlap), schedule.CatchUp(catchUp)
			call := client.Call{Workflow: args[1], Method: args[2]}
			if len(args) == 4 {
				if !json.Valid([]byte(args[3])) {
					return usagef("%v: %s", admin.ErrInvalidJSON, args[3])
				}
				call.Input = []byte(args[3])
			}
			if err := schedule.Validate(args[0], spec); err != nil {
				return usageOnInvalid(err)
			}
			return f.runClient(cmd, func(ctx context.Context, c *client.Client) error {
				if err := schedule.CreateCall(ctx, c, args[0], spec, call, schedule.WithTags(tags...)); err != nil {
					return usageOnInvalid(err)
				}
				return describeSchedule(ctx, cmd, f, c, args[0])
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&spec.Cron, "cron", "", `cron expression: 5 fields, 6 with seconds, or @daily...; may start with "CRON_TZ=Zone "`)
	fl.DurationVar(&spec.Every, "every", 0, "fixed interval (whole seconds), aligned on the Unix epoch")
	fl.DurationVar(&spec.Offset, "offset", 0, "shift of the --every slots")
	fl.StringVar(&spec.TimeZone, "tz", "", "IANA time zone of --cron, e.g. Europe/Paris (default UTC)")
	fl.DurationVar(&spec.Jitter, "jitter", 0, "delay each run by up to this (whole seconds), derived from the slot")
	fl.StringVar(&overlap, "overlap", "", `while the previous run runs: "skip" (default), "bufferOne" or "allow"`)
	fl.DurationVar(&spec.CatchUpWindow, "catch-up-window", 0, "after a downtime, start slots at most this late (default 1m)")
	fl.StringVar(&catchUp, "catch-up", "", `which late slots start: "all" (default) or "latest"`)
	fl.StringSliceVar(&tags, "tag", nil, "tag of each run (repeat for several)")
	return cmd
}

func newScheduleListCmd(f *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the schedules with their next slot and counters",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.runClient(cmd, func(ctx context.Context, c *client.Client) error {
				list, err := schedule.List(ctx, c)
				if err != nil {
					return err
				}
				if list == nil {
					list = []schedule.Description{}
				}
				return f.print(cmd.OutOrStdout(), list, func(w io.Writer) error {
					tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "NAME\tWHEN\tTARGET\tNEXT\tSTARTED\tSKIPPED\tMISSED\tSTATE")
					for _, d := range list {
						fmt.Fprintf(tw, "%s\t%s\t%s.%s\t%s\t%d\t%d\t%d\t%s\n", d.Name, when(d.Spec), d.Call.Workflow, d.Call.Method,
							instant(d.NextRun), d.Started, d.Skipped, d.Missed, state(d))
					}
					return tw.Flush()
				})
			})
		},
	}
}

func newScheduleDescribeCmd(f *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "describe NAME",
		Short: "Show a schedule: spec, target, next slot, counters, running and recent runs",
		Args:  rangeArgs(1, 1, "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.runClient(cmd, func(ctx context.Context, c *client.Client) error {
				return describeSchedule(ctx, cmd, f, c, args[0])
			})
		},
	}
}

// scheduleOp is a command that applies op (pause, resume, trigger or
// delete) to the schedules named by its arguments.
func scheduleOp(f *opsFlags, op, short, done string) *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   op + " NAME",
		Short: short,
		Args:  rangeArgs(1, 1, "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			return f.runClient(cmd, func(ctx context.Context, c *client.Client) error {
				var run string
				var err error
				switch op {
				case "pause":
					err = schedule.Pause(ctx, c, name, note)
				case "resume":
					err = schedule.Resume(ctx, c, name)
				case "trigger":
					run, err = schedule.Trigger(ctx, c, name)
				case "delete":
					err = schedule.Delete(ctx, c, name)
				}
				if err != nil {
					return usageOnInvalid(err)
				}
				out := map[string]string{"schedule": name, "done": done}
				if run != "" {
					out["run"] = run
				}
				return f.print(cmd.OutOrStdout(), out, func(w io.Writer) error {
					_, err := fmt.Fprintf(w, "%s: %s%s\n", name, done, strings.TrimSuffix(" "+run, " "))
					return err
				})
			})
		},
	}
	if op == "pause" {
		cmd.Flags().StringVar(&note, "note", "", "why it is paused (shown by describe)")
	}
	return cmd
}

func describeSchedule(ctx context.Context, cmd *cobra.Command, f *opsFlags, c *client.Client, name string) error {
	d, err := schedule.Describe(ctx, c, name)
	if err != nil {
		return usageOnInvalid(err)
	}
	return f.print(cmd.OutOrStdout(), d, func(w io.Writer) error {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		field := func(name, value string) { fmt.Fprintf(tw, "%s\t%s\n", name, value) }
		field("Name", d.Name)
		field("Instance", "InfiniticSchedule "+d.ID)
		field("When", when(d.Spec))
		field("Overlap", string(d.Spec.Overlap))
		field("Catch-up", fmt.Sprintf("%s within %v", d.Spec.CatchUp, d.Spec.CatchUpWindow))
		field("Target", d.Call.Workflow+"."+d.Call.Method+" "+orDash(string(d.Call.Input)))
		field("State", state(d))
		field("Created", instant(d.Created))
		field("Next slot", instant(d.Next))
		field("Next run", instant(d.NextRun))
		field("Counters", fmt.Sprintf("started %d, skipped %d, missed %d, failed %d", d.Started, d.Skipped, d.Missed, d.Failed))
		field("Running", orDash(strings.Join(d.Running, ", ")))
		for _, r := range d.Recent {
			field("Recent", r.ID)
		}
		return tw.Flush()
	})
}

// when says when a schedule's slots are.
func when(s schedule.Spec) string {
	w := "cron " + s.Cron
	if s.Every != 0 {
		w = "every " + s.Every.String()
		if s.Offset != 0 {
			w += " + " + s.Offset.String()
		}
	}
	if s.TimeZone != "" {
		w += " " + s.TimeZone
	}
	if s.Jitter != 0 {
		w += " (jitter " + s.Jitter.String() + ")"
	}
	return w
}

func state(d schedule.Description) string {
	if d.Paused {
		return "paused " + d.Note
	}
	return "active"
}
