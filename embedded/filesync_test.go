package embedded

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Each step changes the directory, then a pass must name exactly what it
// changed: what a pass does not name is not fsynced.
func TestFileSyncerFindsChanges(t *testing.T) {
	root := t.TempDir()
	at := func(p string) string { return filepath.Join(root, p) }
	write := func(p, data string, flag int) {
		f, err := os.OpenFile(at(p), flag|os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(data); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	f := newFileSyncer(root)
	for _, step := range []struct {
		name   string
		change func()
		want   []string
	}{
		{"first pass: everything", func() {
			if err := os.MkdirAll(at("s/msgs"), 0o755); err != nil {
				t.Fatal(err)
			}
			write("s/msgs/1.blk", "a", 0)
			write("s/meta.inf", "m", 0)
		}, []string{"", "s", "s/meta.inf", "s/msgs", "s/msgs/1.blk"}},
		{"nothing changed", func() {}, []string{}},
		{"append", func() { write("s/msgs/1.blk", "b", os.O_APPEND) }, []string{"s/msgs/1.blk"}},
		{"new block", func() { write("s/msgs/2.blk", "c", 0) }, []string{"s/msgs", "s/msgs/2.blk"}},
		{"replaced by a rename", func() {
			write("s/meta.inf.tmp", "n", 0)
			if err := os.Rename(at("s/meta.inf.tmp"), at("s/meta.inf")); err != nil {
				t.Fatal(err)
			}
		}, []string{"s", "s/meta.inf"}},
		{"removed", func() {
			if err := os.Remove(at("s/msgs/1.blk")); err != nil {
				t.Fatal(err)
			}
		}, []string{"s/msgs"}},
	} {
		step.change()
		changed, commit, err := f.changes()
		if err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(changed))
		for i, p := range changed {
			got[i], _ = filepath.Rel(root, p)
			if got[i] == "." {
				got[i] = ""
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, step.want) {
			t.Errorf("%s: changed %q, want %q", step.name, got, step.want)
		}
		if err := fsyncAll(changed); err != nil {
			t.Fatal(err)
		}
		commit()
	}
}

// A pass over a tree shaped like a server's data directory with nothing
// changed: the cost a round pays before its first fsync.
func BenchmarkFileSyncerUnchanged(b *testing.B) {
	root := b.TempDir()
	for _, s := range []string{"INFINITIC", "INFINITIC_LOG", "INFINITIC_DLQ", "KV_infinitic"} {
		for _, p := range []string{"meta.inf", "meta.sum", "msgs/1.blk", "msgs/index.db"} {
			writeFile(b, filepath.Join(root, "jetstream/$G/streams", s, p))
		}
		for _, c := range []string{"c1", "c2", "c3"} {
			for _, p := range []string{"meta.inf", "meta.sum", "o.dat"} {
				writeFile(b, filepath.Join(root, "jetstream/$G/streams", s, "obs", c, p))
			}
		}
	}
	f := newFileSyncer(root)
	if err := f.sync(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		changed, _, err := f.changes()
		if err != nil || len(changed) > 0 {
			b.Fatal(changed, err)
		}
	}
}

func writeFile(tb testing.TB, path string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(path), 0o644); err != nil {
		tb.Fatal(err)
	}
}
