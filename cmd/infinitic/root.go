package main

import "github.com/spf13/cobra"

// newRootCmd builds the command tree. Output goes to the command's
// OutOrStdout and ErrOrStderr, so tests can capture it.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "infinitic",
		Short:         "infinitic-go: durable workflows as Go code",
		SilenceUsage:  true,
		SilenceErrors: false,
		Version:       version(),
	}
	root.SetVersionTemplate("infinitic {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newDemoCmd(), newServerCmd(), newBenchCmd(), newWorkflowCmd(), newScheduleCmd(), newEventsCmd(), newDashboardCmd(), newVersionCmd(), newVetCmd())
	return root
}
