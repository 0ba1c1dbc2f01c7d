package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/spf13/cobra"
)

func newDescribeCmd(f *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "describe WORKFLOW ID",
		Short: "Show an instance: status, tags, parent and children, pending steps, outcome or error chain",
		Args:  rangeArgs(2, 2, "WORKFLOW ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				in, err := a.Describe(ctx, args[0], args[1])
				if err != nil {
					return err
				}
				return f.print(cmd.OutOrStdout(), in, func(w io.Writer) error { return printInstance(w, in) })
			})
		},
	}
}

func newHistoryCmd(f *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "history WORKFLOW ID",
		Short: "Show the history of an instance: each task, timer, child, receive and signal",
		Long: `history shows every step of a running or failed instance, in order: method
starts, commands of its code (tasks, timers, child workflows, receives...) with
their times, attempts, outputs and errors, and the signals it received. A
completed or canceled instance keeps only its outcome (see describe).`,
		Args: rangeArgs(2, 2, "WORKFLOW ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				steps, err := a.History(ctx, args[0], args[1])
				if err != nil {
					return err
				}
				if steps == nil {
					steps = []admin.Step{}
				}
				return f.print(cmd.OutOrStdout(), steps, func(w io.Writer) error { return printSteps(w, steps) })
			})
		},
	}
}

func newCancelCmd(f *opsFlags) *cobra.Command {
	var tag, reason string
	cmd := &cobra.Command{
		Use:   "cancel WORKFLOW [ID...] [--tag TAG]",
		Short: "Cancel instances (and their running children), or every running instance with a tag",
		Args:  rangeArgs(1, math.MaxInt, "WORKFLOW [ID...]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(args) > 1) == (tag != "") {
				return usagef("give either IDs or --tag")
			}
			if tag == "" {
				return f.each(cmd, args, "canceled", func(ctx context.Context, a *admin.Admin, id string) error {
					return a.Cancel(ctx, args[0], id, reason)
				})
			}
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				n, err := a.CancelByTag(ctx, args[0], tag, reason)
				if err != nil {
					return err
				}
				return f.print(cmd.OutOrStdout(), map[string]any{"workflow": args[0], "tag": tag, "canceled": n}, func(w io.Writer) error {
					_, err := fmt.Fprintf(w, "canceled %d instance(s) of %s tagged %s\n", n, args[0], tag)
					return err
				})
			})
		},
	}
	cmd.Flags().StringVar(&tag, "tag", "", "cancel every running instance with this tag")
	cmd.Flags().StringVar(&reason, "reason", "canceled from the command line", "reason given to the instances")
	return cmd
}

func newRetryCmd(f *opsFlags) *cobra.Command {
	var sel admin.TaskSelection
	cmd := &cobra.Command{
		Use:   "retry WORKFLOW ID...",
		Short: "Retry failed instances from their failed task: the task runs again, the workflow continues",
		Args:  rangeArgs(2, math.MaxInt, "WORKFLOW ID..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.each(cmd, args, "retried", func(ctx context.Context, a *admin.Admin, id string) error {
				return a.RetryTasks(ctx, args[0], id, sel)
			})
		},
	}
	cmd.Flags().StringVar(&sel.TaskID, "task", "", "retry this failed task (its id, see history) instead of the first one")
	cmd.Flags().StringVar(&sel.Service, "service", "", "retry the first failed task of this service")
	return cmd
}

func newRetryWorkflowTaskCmd(f *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "retry-workflow-task WORKFLOW ID...",
		Short: "Replay failed instances with the workers' current code (after a fix) and let them continue",
		Args:  rangeArgs(2, math.MaxInt, "WORKFLOW ID..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.each(cmd, args, "replayed", func(ctx context.Context, a *admin.Admin, id string) error {
				return a.RetryWorkflowTask(ctx, args[0], id)
			})
		},
	}
}

func newCompleteTimersCmd(f *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "complete-timers WORKFLOW ID...",
		Short: "Fire the pending timers of running instances now",
		Args:  rangeArgs(2, math.MaxInt, "WORKFLOW ID..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.each(cmd, args, "timers completed", func(ctx context.Context, a *admin.Admin, id string) error {
				return a.CompleteTimers(ctx, args[0], id)
			})
		},
	}
}

func newSignalCmd(f *opsFlags) *cobra.Command {
	var variant, tag string
	var start signalStart
	cmd := &cobra.Command{
		Use:   "signal WORKFLOW [ID] CHANNEL JSON [--tag TAG | --start METHOD]",
		Short: "Send a JSON value to a channel of a running instance, or of every running instance with a tag",
		Long: `Send a JSON value to a channel of a running instance, or of every running instance with a tag.

With --start METHOD (signal-with-start), the instance is started first with
METHOD and --input if it does not run, in one message that its engine
applies atomically: concurrent senders start it once and every value is
received. Name the instance by ID or by --custom-id (then no ID): by custom
id, an instance that ended is replaced by a new one, which gets the value;
by ID, an instance that ended refuses it (exit code 4). It prints the id of
the instance that got the value.`,
		Example: `  infinitic workflow signal Expense expense-42 approvals '{"By":"boss","OK":true}'
  infinitic workflow signal Expense approvals '{"By":"boss","OK":true}' --tag team:blue
  infinitic workflow signal Cart items '"apple"' --start Collect --input 3 --custom-id cart-42 --output json`,
		Args: rangeArgs(3, 4, "WORKFLOW [ID] CHANNEL JSON"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if start.method != "" {
				return start.run(cmd, f, args, variant, tag)
			}
			if start.set(cmd) {
				return usagef("--input, --custom-id, --start-tag and --workflow-timeout need --start")
			}
			if (len(args) == 4) == (tag != "") {
				return usagef("give either an ID or --tag")
			}
			if tag == "" {
				return f.each(cmd, args[:2], "sent to "+args[2], func(ctx context.Context, a *admin.Admin, id string) error {
					return a.SignalVariant(ctx, args[0], id, args[2], variant, json.RawMessage(args[3]))
				})
			}
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				n, err := a.SignalByTag(ctx, args[0], tag, args[1], variant, json.RawMessage(args[2]))
				if err != nil {
					return err
				}
				return f.print(cmd.OutOrStdout(), map[string]any{"workflow": args[0], "tag": tag, "sent": n}, func(w io.Writer) error {
					_, err := fmt.Fprintf(w, "sent to %s of %d instance(s) of %s tagged %s\n", args[1], n, args[0], tag)
					return err
				})
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&variant, "variant", "", "type of the value, for a channel declared with Variants")
	fl.StringVar(&tag, "tag", "", "send to every running instance with this tag")
	start.flags(fl)
	return cmd
}

func newStartCmd(f *opsFlags) *cobra.Command {
	var opts admin.StartOptions
	var meta []string
	var wait bool
	cmd := &cobra.Command{
		Use:     "start WORKFLOW METHOD [JSON]",
		Short:   "Start a workflow by name with a JSON argument (none for a method without argument)",
		Example: `  infinitic workflow start Expense Review '3600000000000' --tag team:blue --wait`,
		Args:    rangeArgs(2, 3, "WORKFLOW METHOD [JSON]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, kv := range meta {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					return usagef("--meta %q: want key=value", kv)
				}
				if opts.Meta == nil {
					opts.Meta = map[string]string{}
				}
				opts.Meta[k] = v
			}
			var input json.RawMessage
			if len(args) == 3 {
				input = json.RawMessage(args[2])
			}
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				id, err := a.Start(ctx, args[0], args[1], input, opts)
				if err != nil {
					return err
				}
				result := map[string]any{"workflow": args[0], "id": id}
				if wait {
					out, err := a.Await(ctx, args[0], id)
					if err != nil {
						_ = f.print(cmd.OutOrStdout(), result, func(w io.Writer) error { _, err := fmt.Fprintln(w, id); return err })
						return err
					}
					result["output"] = out
				}
				return f.print(cmd.OutOrStdout(), result, func(w io.Writer) error {
					if !wait {
						_, err := fmt.Fprintln(w, id)
						return err
					}
					_, err := fmt.Fprintf(w, "%s\n%s\n", id, result["output"])
					return err
				})
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.ID, "id", "", "id of the instance (default: a new UUID; an id already started is joined)")
	fl.StringVar(&opts.CustomID, "custom-id", "", "unique custom id: joins the running instance that has it")
	fl.StringSliceVar(&opts.Tags, "tag", nil, "tag of the instance (repeat for several)")
	fl.StringSliceVar(&meta, "meta", nil, "metadata key=value (repeat for several)")
	fl.DurationVar(&opts.Timeout, "workflow-timeout", 0, "cancel the instance if it still runs this long after its start (0: never)")
	fl.BoolVar(&wait, "wait", false, "wait for the outcome and print it (exit code 5 if the workflow fails)")
	return cmd
}

// each runs op on instances args[1:] of workflow args[0], one after the
// other, and reports each outcome; it returns the first error, after
// trying them all.
func (f *opsFlags) each(cmd *cobra.Command, args []string, what string, op func(ctx context.Context, a *admin.Admin, id string) error) error {
	return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
		type outcome struct {
			Workflow string `json:"workflow"`
			ID       string `json:"id"`
			Done     string `json:"done,omitempty"`
			Error    string `json:"error,omitempty"`
		}
		var first error
		var outcomes []outcome
		for _, id := range args[1:] {
			o := outcome{Workflow: args[0], ID: id, Done: what}
			if err := op(ctx, a, id); err != nil {
				o.Done, o.Error = "", err.Error()
				if first == nil {
					first = err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s %s: %v\n", args[0], id, err)
			}
			outcomes = append(outcomes, o)
		}
		err := f.print(cmd.OutOrStdout(), outcomes, func(w io.Writer) error {
			for _, o := range outcomes {
				if o.Error == "" {
					fmt.Fprintf(w, "%s %s: %s\n", o.Workflow, o.ID, o.Done)
				}
			}
			return nil
		})
		if first != nil {
			return first
		}
		return err
	})
}
