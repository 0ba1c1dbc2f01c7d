package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// serverEnv names the environment variable that --server defaults to.
const serverEnv = "INFINITIC_SERVER"

// opsFlags are the flags shared by the commands that operate instances.
type opsFlags struct {
	server  string
	dataDir string
	output  string
	timeout time.Duration
}

func newWorkflowCmd() *cobra.Command {
	f := &opsFlags{}
	cmd := &cobra.Command{
		Use:   "workflow",
		Short: "Find, inspect and act on workflow instances, by workflow name and id",
		Long: `workflow operates instances without their Go types: names, ids and JSON.

It connects to the NATS server of the deployment (--server nats://host:4222,
or $INFINITIC_SERVER), or opens an embedded data directory (--data-dir) when no
server runs on it: reading (describe, history, list) then works offline, but
commands that need a workflow engine (cancel, retry, signal...) wait for one
until --timeout.

Output is a human table by default, JSON with --output json. Exit codes:
  0 success
  1 error (connection, store, timeout...)
  2 usage (unknown command or flag, wrong arguments, invalid JSON or name)
  3 not found (no such instance)
  4 refused (the instance already finished, or has not failed for a retry;
    export of a completed or canceled instance)
  5 the workflow failed (start --wait)`,
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
	cmd.AddCommand(newListCmd(f), newDescribeCmd(f), newHistoryCmd(f), newRepairIndexCmd(f), newCancelCmd(f), newRetryCmd(f), newRetryWorkflowTaskCmd(f),
		newCompleteTimersCmd(f), newSignalCmd(f), newStartCmd(f), newExportCmd(f))
	return cmd
}

// run opens an Admin on the backend the flags name, runs op with it and
// closes it.
func (f *opsFlags) run(cmd *cobra.Command, op func(ctx context.Context, a *admin.Admin) error) error {
	ctx, cancel, err := f.begin(cmd)
	if err != nil {
		return err
	}
	defer cancel()
	a, _, closeAll, err := f.connect(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	return op(ctx, a)
}

// begin checks --output and returns the command's context, bounded by
// --timeout: what every operating command does first.
func (f *opsFlags) begin(cmd *cobra.Command) (context.Context, context.CancelFunc, error) {
	if f.output != "table" && f.output != "json" {
		return nil, nil, usagef(`--output %q: want "table" or "json"`, f.output)
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
	return ctx, cancel, nil
}

// addBackendFlags adds --server and --data-dir to fs.
func (f *opsFlags) addBackendFlags(fs *pflag.FlagSet) {
	fs.StringVar(&f.server, "server", "", "URL of the NATS server, e.g. nats://127.0.0.1:4222 (default $"+serverEnv+")")
	fs.StringVar(&f.dataDir, "data-dir", embedded.DefaultDataDir, "embedded data directory to open when no --server is given")
}

// open opens the backend that --server or --data-dir names.
func (f *opsFlags) open(ctx context.Context) (transport.Transport, store.Store, func() error, error) {
	backend := backendConfig{Kind: backendEmbedded, DataDir: f.dataDir}
	if server := cmp.Or(f.server, os.Getenv(serverEnv)); server != "" {
		backend = backendConfig{Kind: backendNATS, URL: server, Tool: true}
	} else if _, err := os.Stat(f.dataDir); err != nil {
		return nil, nil, nil, fmt.Errorf("no --server (nor $%s) and no data directory: %w", serverEnv, err)
	}
	return openBackend(ctx, backend)
}

// connect opens an Admin on the backend that --server or --data-dir
// names, and returns it with the transport; closeAll closes both.
func (f *opsFlags) connect(ctx context.Context) (_ *admin.Admin, _ transport.Transport, closeAll func(), _ error) {
	quiet := slog.New(slog.DiscardHandler)
	tr, st, closeBackend, err := f.open(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	a, err := admin.New(ctx, admin.Config{Transport: tr, Store: st, Logger: quiet})
	if err != nil {
		_ = closeBackend()
		return nil, nil, nil, err
	}
	return a, tr, func() { _ = a.Close(); _ = closeBackend() }, nil
}

// print writes v as JSON, or as a table drawn by table.
func (f *opsFlags) print(w io.Writer, v any, table func(w io.Writer) error) error {
	if f.output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	return table(w)
}

// noArgs and nArgs check positional arguments, as usage errors.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	return nil
}

func rangeArgs(lo, hi int, names string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return usagef("want arguments %s, got %d", names, len(args))
		}
		return nil
	}
}
