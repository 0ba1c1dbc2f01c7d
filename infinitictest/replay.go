package infinitictest

import (
	"path/filepath"

	"github.com/infinitic-go/infinitic/replayer"
)

// Replay replays history h against the implementation newW returns and
// fails the test if the code diverges from it, naming the first position
// that differs (see replayer.Replay). Load h from a store with
// replayer.Load, or from a file with replayer.ReadFile.
func Replay[W any](t TB, h *replayer.History, newW func() W, opts ...replayer.Option) {
	t.Helper()
	if err := replayer.Replay(h, newW, opts...); err != nil {
		t.Errorf("%v", err)
	}
}

// ReplayHistories replays each history file matching pattern (exported
// with `infinitic workflow export`, or written by replayer.History.Write)
// against the implementation newW returns, and fails the test for each
// one that diverges, naming the file and the first position that differs.
// It fails the test when no file matches. Run it before a deploy: a
// failure means that instances running those histories would fail on the
// new code (deploy it as a new version with worker.WithVersion instead).
func ReplayHistories[W any](t TB, pattern string, newW func() W, opts ...replayer.Option) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("infinitictest: no history matches " + pattern)
	}
	for _, name := range files {
		h, err := replayer.ReadFile(name)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if err := replayer.Replay(h, newW, opts...); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
