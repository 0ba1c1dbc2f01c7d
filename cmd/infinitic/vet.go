package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/infinitic-go/infinitic/workflowcheck"
)

// vetFindings is the error of a vet that reported something.
type vetFindings struct{ n int }

func (e vetFindings) Error() string {
	return fmt.Sprintf("%d report(s) of non-deterministic workflow code", e.n)
}

func newVetCmd() *cobra.Command {
	var tags string
	cmd := &cobra.Command{
		Use:   "vet [packages]",
		Short: "Report non-deterministic workflow code (the workflowcheck analyzer)",
		Long: `vet runs the workflowcheck analyzer (package
github.com/infinitic-go/infinitic/workflowcheck) on the packages, their tests
included (default ./...): in workflow code (functions whose first parameter is
a workflow.Context) and the functions it calls, it reports time.Now,
time.Sleep, timers, math/rand, crypto/rand, go statements, select, channel
operations, map ranges issuing workflow commands, writes to package-level
variables and I/O, each with the replacement to use. A comment
//infinitic:nondeterministic-ok on the line (or the line above) silences a
report. It needs the go command. The same analyzer runs in go vet with
cmd/infinitic-vet: go vet -vettool=$(which infinitic-vet) ./...

Exit status: 0 when nothing is reported, 1 when something is (or the packages
do not load), 2 for a usage error.`,
		Example: "  infinitic vet ./...\n  infinitic vet --tags integration ./workflows/...",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"./..."}
			}
			n, err := vet(cmd, tags, args)
			if err != nil {
				return err
			}
			if n > 0 {
				return vetFindings{n}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&tags, "tags", "", "comma-separated build tags, as go build -tags")
	return cmd
}

// vet loads the packages matching patterns and prints the analyzer's
// reports, sorted, once each (a file of a package and of its test variant
// is analyzed twice). It returns how many it printed.
func vet(cmd *cobra.Command, tags string, patterns []string) (int, error) {
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Tests: true, Context: cmd.Context()}
	if tags != "" {
		cfg.BuildFlags = []string{"-tags=" + tags}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return 0, err
	}
	var loadErrs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			loadErrs = append(loadErrs, e.Error())
		}
	})
	if len(loadErrs) > 0 {
		return 0, fmt.Errorf("the packages do not load:\n%s", strings.Join(slices.Compact(slices.Sorted(slices.Values(loadErrs))), "\n"))
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{workflowcheck.Analyzer}, pkgs, nil)
	if err != nil {
		return 0, err
	}
	wd, _ := os.Getwd()
	var reports []string
	for _, act := range graph.Roots {
		for _, d := range act.Diagnostics {
			pos := act.Package.Fset.Position(d.Pos)
			if rel, err := filepath.Rel(wd, pos.Filename); err == nil && !strings.HasPrefix(rel, "..") {
				pos.Filename = rel
			}
			reports = append(reports, fmt.Sprintf("%s: %s", pos, d.Message))
		}
	}
	reports = slices.Compact(slices.Sorted(slices.Values(reports)))
	return len(reports), printLines(cmd.OutOrStdout(), reports)
}

func printLines(w io.Writer, lines []string) error {
	for _, l := range lines {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	return nil
}
