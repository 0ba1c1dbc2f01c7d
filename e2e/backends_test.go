package e2e_test

import (
	"testing"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store"
	memstore "github.com/infinitic-go/infinitic/store/memory"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/memory"
)

// backend is where messages and state live in a scenario that runs on
// more than the in-memory test kit.
type backend struct {
	name string
	open func(t *testing.T) (transport.Transport, store.Store)
}

// backends are the in-memory backend and the embedded NATS server (with
// its data in a temporary directory); both close at the end of the test.
var backends = []backend{
	{"memory", func(t *testing.T) (transport.Transport, store.Store) {
		tr, st := memory.New(), memstore.New()
		t.Cleanup(func() { _ = tr.Close(); _ = st.Close() })
		return tr, st
	}},
	{"embedded", func(t *testing.T) (transport.Transport, store.Store) {
		b, err := embedded.Open(testCtx(t), embedded.Config{DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = b.Close() })
		return b.Transport, b.Store
	}},
}
