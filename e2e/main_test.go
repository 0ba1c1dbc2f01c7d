package e2e_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Workflow coroutines are goroutines: every test must leave none behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
