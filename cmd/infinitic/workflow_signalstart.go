package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// signalStart holds the flags of `workflow signal --start`
// (signal-with-start).
type signalStart struct {
	method, input string
	opts          admin.StartOptions
}

func (s *signalStart) flags(fl *pflag.FlagSet) {
	fl.StringVar(&s.method, "start", "", "signal-with-start: start the instance with this method first if it does not run")
	fl.StringVar(&s.input, "input", "", "with --start: the JSON argument of the method (none for a method without argument)")
	fl.StringVar(&s.opts.CustomID, "custom-id", "", "with --start: name the instance by this custom id instead of an ID")
	fl.StringSliceVar(&s.opts.Tags, "start-tag", nil, "with --start: tag of the instance, if it starts (repeat for several)")
	fl.DurationVar(&s.opts.Timeout, "workflow-timeout", 0, "with --start: cancel the instance, if it starts, when it still runs this long after (0: never)")
}

// set tells whether a flag that needs --start was given.
func (s *signalStart) set(cmd *cobra.Command) bool {
	for _, name := range []string{"input", "custom-id", "start-tag", "workflow-timeout"} {
		if cmd.Flags().Changed(name) {
			return true
		}
	}
	return false
}

// run sends args (WORKFLOW [ID] CHANNEL JSON) with signal-with-start.
func (s *signalStart) run(cmd *cobra.Command, f *opsFlags, args []string, variant, tag string) error {
	switch {
	case tag != "":
		return usagef("--start sends to one instance: --tag does not apply")
	case (len(args) == 4) == (s.opts.CustomID != ""):
		return usagef("with --start, give either an ID or --custom-id")
	}
	workflow, channel, value := args[0], args[len(args)-2], args[len(args)-1]
	if len(args) == 4 {
		s.opts.ID = args[1]
	}
	var input json.RawMessage
	if s.input != "" {
		input = json.RawMessage(s.input)
	}
	return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
		id, err := a.SignalWithStart(ctx, workflow, channel, variant, json.RawMessage(value), s.method, input, s.opts)
		if err != nil {
			return err
		}
		result := map[string]any{"workflow": workflow, "id": id, "done": "sent to " + channel}
		return f.print(cmd.OutOrStdout(), result, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "%s %s: sent to %s\n", workflow, id, channel)
			return err
		})
	})
}
