// Command vulncheck reads the JSON output of govulncheck on stdin, lists
// the vulnerabilities the code calls, and exits 1 if one of them is in a
// module the project requires. Those in the standard library are listed
// but do not fail: only a newer Go toolchain fixes them, and the project
// builds with the Go of its machines (see .ci/run).
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

// message is one value of govulncheck's JSON stream (only what we read).
type message struct {
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string `json:"osv"`
		FixedVersion string `json:"fixed_version"`
		Trace        []struct {
			Module   string `json:"module"`
			Version  string `json:"version"`
			Function string `json:"function"`
		} `json:"trace"`
	} `json:"finding"`
}

func main() {
	summaries := map[string]string{}
	called := map[string]string{} // OSV id → "module@version, fixed in ..."
	failed := false
	dec := json.NewDecoder(os.Stdin)
	for {
		var m message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "vulncheck: reading govulncheck output:", err)
			os.Exit(2)
		}
		if m.OSV != nil {
			summaries[m.OSV.ID] = m.OSV.Summary
		}
		f := m.Finding
		if f == nil || len(f.Trace) == 0 || f.Trace[0].Function == "" {
			continue // the module or package is used, not the vulnerable function
		}
		top := f.Trace[0]
		called[f.OSV] = fmt.Sprintf("%s@%s, fixed in %s", top.Module, top.Version, f.FixedVersion)
		if top.Module != "stdlib" {
			failed = true
		}
	}
	ids := make([]string, 0, len(called))
	for id := range called {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Printf("%s (%s): %s\n", id, called[id], summaries[id])
	}
	fmt.Printf("vulncheck: %d vulnerabilities called by the code", len(ids))
	if failed {
		fmt.Println("; failing: some are in required modules, upgrade them")
		os.Exit(1)
	}
	fmt.Println("; none in required modules (standard library ones need a newer Go)")
}
