package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/spf13/cobra"
)

func newListCmd(f *opsFlags) *cobra.Command {
	var (
		statuses                    []string
		filter                      admin.Filter
		startedAfter, startedBefore string
		endedAfter, endedBefore     string
		limit                       int
		after                       string
		count                       bool
		search                      []string
	)
	cmd := &cobra.Command{
		Use:   "list WORKFLOW",
		Short: "List (or count) the instances of a workflow by status, tag, custom id, search field, start and end time",
		Long: `list reads the instance index that the workflow engines keep: instances
by status and start time, newest first (or by the value of a search field,
--order-by). --search conditions apply to the search fields that workflow
code sets (workflow.SetSearch): field=value, field!=value, field<value,
field<=value, field>value, field>=value; the value is a bool, an integer, a
float, an RFC 3339 time or else a string ("\"42\"" keeps a string that looks
like a number). Each listed instance is checked
against its stored state, so the list is exact when it is read. Pages:
--limit instances at a time; the next page starts --after the cursor that
the previous page printed. Times are RFC 3339 (2026-12-01T09:00:00Z).`,
		Example: `  infinitic workflow list Shop --status failed --output json
  infinitic workflow list Shop --tag team:blue --started-after 2026-12-01T00:00:00Z --count
  infinitic workflow list Orders --status running --search customer=42 --search stage=awaiting-payment --started-before 2026-11-29T00:00:00Z
  infinitic workflow list Orders --search 'amount>=100' --order-by amount`,
		Args: rangeArgs(1, 1, "WORKFLOW"),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, s := range statuses {
				filter.Status = append(filter.Status, admin.Status(s))
			}
			for _, t := range []struct {
				flag, value string
				into        *time.Time
			}{
				{"started-after", startedAfter, &filter.StartedAfter}, {"started-before", startedBefore, &filter.StartedBefore},
				{"ended-after", endedAfter, &filter.EndedAfter}, {"ended-before", endedBefore, &filter.EndedBefore},
			} {
				if t.value == "" {
					continue
				}
				v, err := time.Parse(time.RFC3339Nano, t.value)
				if err != nil {
					return usagef("--%s: %v", t.flag, err)
				}
				*t.into = v
			}
			for _, c := range search {
				cond, err := admin.ParseCond(c)
				if err != nil {
					return usagef("--search: %v", err)
				}
				filter.Search = append(filter.Search, cond)
			}
			if limit < 1 || limit > 1000 {
				return usagef("--limit %d: want 1 to 1000", limit)
			}
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				if count {
					n, err := a.Count(ctx, args[0], filter)
					if err != nil {
						return err
					}
					return f.print(cmd.OutOrStdout(), map[string]any{"workflow": args[0], "count": n}, func(w io.Writer) error {
						_, err := fmt.Fprintln(w, n)
						return err
					})
				}
				page, err := a.List(ctx, args[0], filter, limit, after)
				if err != nil {
					return err
				}
				if page.Instances == nil {
					page.Instances = []*admin.Instance{}
				}
				return f.print(cmd.OutOrStdout(), page, func(w io.Writer) error { return printPage(w, page) })
			})
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&statuses, "status", nil, "running, completed, failed or canceled (repeat or comma-separate for several; default all)")
	fl.StringVar(&filter.Tag, "tag", "", "only instances with this tag")
	fl.StringVar(&filter.CustomID, "custom-id", "", "only instances with this custom id")
	fl.StringArrayVar(&search, "search", nil, "a condition on a search field, e.g. customer=42 or 'amount>=100' (repeat: all must hold)")
	fl.StringVar(&filter.OrderBy, "order-by", "", "list the instances that have this search field, by its value (ascending)")
	fl.StringVar(&startedAfter, "started-after", "", "only instances started at or after this time")
	fl.StringVar(&startedBefore, "started-before", "", "only instances started before this time")
	fl.StringVar(&endedAfter, "ended-after", "", "only instances ended at or after this time")
	fl.StringVar(&endedBefore, "ended-before", "", "only instances ended before this time")
	fl.IntVar(&limit, "limit", 100, "instances per page (1 to 1000)")
	fl.StringVar(&after, "after", "", "cursor of the page to read (printed by the previous page)")
	fl.BoolVar(&count, "count", false, "print how many instances match instead of listing them")
	return cmd
}

func printPage(w io.Writer, p admin.Page) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tMETHOD\tSTARTED\tENDED\tTAGS")
	for _, in := range p.Instances {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", in.ID, in.Status, orDash(in.Method), instant(in.Started), instant(in.Ended), orDash(strings.Join(in.Tags, ",")))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if p.Next != "" {
		_, err := fmt.Fprintf(w, "next page: --after %s\n", p.Next)
		return err
	}
	return nil
}

func newRepairIndexCmd(f *opsFlags) *cobra.Command {
	var grace time.Duration
	cmd := &cobra.Command{
		Use:   "repair-index WORKFLOW",
		Short: "Make the instance index of a workflow match its stored instances (after an upgrade or a crash)",
		Args:  rangeArgs(1, 1, "WORKFLOW"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				r, err := a.RepairIndex(ctx, args[0], grace)
				if err != nil {
					return err
				}
				return f.print(cmd.OutOrStdout(), r, func(w io.Writer) error {
					_, err := fmt.Fprintf(w, "%d instance(s): %d index entries added, %d stale ones removed\n", r.Instances, r.Added, r.Removed)
					return err
				})
			})
		},
	}
	cmd.Flags().DurationVar(&grace, "grace", time.Minute, "keep stale-looking entries younger than this (their instance's write may be on its way)")
	return cmd
}
