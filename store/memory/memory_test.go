package memory_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/store/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return memory.New() })
}
