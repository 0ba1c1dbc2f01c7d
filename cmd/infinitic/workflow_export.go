package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/infinitic-go/infinitic/admin"
)

func newExportCmd(f *opsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "export WORKFLOW ID",
		Short: "Print the history of an instance as JSON, to replay it against changed code",
		Long: `export prints the history of a running or failed instance (its stored state
with its whole log) as JSON, always, whatever --output says. Keep it as a test
case, and replay it against the code you are about to deploy with package
replayer (replayer.ReadFile, replayer.Replay): a replay that diverges names the
first position that differs. A completed or canceled instance keeps only its
outcome: exporting it is refused (exit code 4).`,
		Example: "  infinitic workflow export Shop order-42 > testdata/histories/order-42.json",
		Args:    rangeArgs(2, 2, "WORKFLOW ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, func(ctx context.Context, a *admin.Admin) error {
				h, err := a.Export(ctx, args[0], args[1])
				if err != nil {
					return err
				}
				return h.Write(cmd.OutOrStdout())
			})
		},
	}
}
