// Command infinitic-vet is go vet's analysis tool for workflow code: it
// runs the workflowcheck analyzer (package
// github.com/infinitic-go/infinitic/workflowcheck), which reports
// non-deterministic code in workflow methods and what they call.
//
//	go install github.com/infinitic-go/infinitic/cmd/infinitic-vet
//	go vet -vettool=$(which infinitic-vet) ./...
//
// `infinitic vet ./...` does the same without a second binary.
package main

import (
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/infinitic-go/infinitic/workflowcheck"
)

func main() { unitchecker.Main(workflowcheck.Analyzer) }
