package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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
		Use:   "cancel WORKFLOW [ID] [--tag TAG]",
		Short: "Cancel an instance (and its running children), or every running instance with a tag",
		Args:  rangeArgs(1, 2, "WORKFLOW [ID]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(args) == 2) == (tag != "") {
				return usagef("give either an ID or --tag")
			}
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				if tag != "" {
					n, err := a.CancelByTag(ctx, args[0], tag, reason)
					if err != nil {
						return err
					}
					return f.print(cmd.OutOrStdout(), map[string]any{"workflow": args[0], "tag": tag, "canceled": n}, func(w io.Writer) error {
						_, err := fmt.Fprintf(w, "canceled %d instance(s) of %s tagged %s\n", n, args[0], tag)
						return err
					})
				}
				if err := a.Cancel(ctx, args[0], args[1], reason); err != nil {
					return err
				}
				return f.done(cmd, args, "canceled")
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
		Use:   "retry WORKFLOW ID",
		Short: "Retry a failed instance from its failed task: the task runs again, the workflow continues",
		Args:  rangeArgs(2, 2, "WORKFLOW ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				if err := a.RetryTasks(ctx, args[0], args[1], sel); err != nil {
					return err
				}
				return f.done(cmd, args, "retried")
			})
		},
	}
	cmd.Flags().StringVar(&sel.TaskID, "task", "", "retry this failed task (its id, see history) instead of the first one")
	cmd.Flags().StringVar(&sel.Service, "service", "", "retry the first failed task of this service")
	return cmd
}

func newRetryWorkflowTaskCmd(f *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "retry-workflow-task WORKFLOW ID",
		Short: "Replay a failed instance with the workers' current code (after a fix) and let it continue",
		Args:  rangeArgs(2, 2, "WORKFLOW ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				if err := a.RetryWorkflowTask(ctx, args[0], args[1]); err != nil {
					return err
				}
				return f.done(cmd, args, "replayed")
			})
		},
	}
}

func newCompleteTimersCmd(f *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "complete-timers WORKFLOW ID",
		Short: "Fire the pending timers of a running instance now",
		Args:  rangeArgs(2, 2, "WORKFLOW ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				if err := a.CompleteTimers(ctx, args[0], args[1]); err != nil {
					return err
				}
				return f.done(cmd, args, "timers completed")
			})
		},
	}
}

func newSignalCmd(f *opsFlags) *cobra.Command {
	var variant string
	cmd := &cobra.Command{
		Use:     "signal WORKFLOW ID CHANNEL JSON",
		Short:   "Send a JSON value to a channel of a running instance",
		Example: `  infinitic workflow signal Expense expense-42 approvals '{"By":"boss","OK":true}'`,
		Args:    rangeArgs(4, 4, "WORKFLOW ID CHANNEL JSON"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				if err := a.SignalVariant(ctx, args[0], args[1], args[2], variant, json.RawMessage(args[3])); err != nil {
					return err
				}
				return f.done(cmd, args[:2], "sent to "+args[2])
			})
		},
	}
	cmd.Flags().StringVar(&variant, "variant", "", "type of the value, for a channel declared with Variants")
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
	fl.BoolVar(&wait, "wait", false, "wait for the outcome and print it (exit code 5 if the workflow fails)")
	return cmd
}

// done reports a successful operation on instance args[1] of args[0].
func (f *opsFlags) done(cmd *cobra.Command, args []string, what string) error {
	return f.print(cmd.OutOrStdout(), map[string]string{"workflow": args[0], "id": args[1], "done": what}, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%s %s: %s\n", args[0], args[1], what)
		return err
	})
}
