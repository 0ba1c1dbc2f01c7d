package powerloss

import (
	"os"
	"path/filepath"
	"testing"
)

// Each case does file operations through the mount, then a power loss;
// the files left must hold what the model says.
func TestPowerLossModel(t *testing.T) {
	type files map[string]string
	tests := []struct {
		name   string
		before files // in the directory before the mount: durable
		do     func(t *testing.T, at func(string) string)
		want   files // after the power loss ("" : empty file)
	}{
		{"created, never synced: empty", nil, func(t *testing.T, at func(string) string) {
			write(t, at("a"), "hello", os.O_CREATE, false)
		}, files{"a": ""}},
		{"created and synced: kept", nil, func(t *testing.T, at func(string) string) {
			write(t, at("a"), "hello", os.O_CREATE, true)
		}, files{"a": "hello"}},
		{"appended after the sync: the tail is lost", nil, func(t *testing.T, at func(string) string) {
			write(t, at("a"), "hello", os.O_CREATE, true)
			write(t, at("a"), " world", os.O_APPEND, false)
		}, files{"a": "hello"}},
		{"durable before the mount, appended: the tail is lost", files{"a": "old"}, func(t *testing.T, at func(string) string) {
			write(t, at("a"), "+new", os.O_APPEND, false)
		}, files{"a": "old"}},
		{"truncated after the sync: restored", files{"a": "old"}, func(t *testing.T, at func(string) string) {
			if err := os.Truncate(at("a"), 1); err != nil {
				t.Fatal(err)
			}
		}, files{"a": "old"}},
		{"rewritten and synced in a subdirectory", nil, func(t *testing.T, at func(string) string) {
			if err := os.Mkdir(at("d"), 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, at("d/a"), "first", os.O_CREATE, true)
			write(t, at("d/a"), "second", os.O_TRUNC, true)
			write(t, at("d/a"), "third", os.O_TRUNC, false)
		}, files{"d/a": "second"}},
		{"renamed over a file: durable (auto_da_alloc)", files{"a": "old"}, func(t *testing.T, at func(string) string) {
			write(t, at("a.tmp"), "new", os.O_CREATE, false)
			if err := os.Rename(at("a.tmp"), at("a")); err != nil {
				t.Fatal(err)
			}
		}, files{"a": "new"}},
		{"renamed to a new name, never synced: empty", nil, func(t *testing.T, at func(string) string) {
			write(t, at("a.tmp"), "new", os.O_CREATE, false)
			if err := os.Rename(at("a.tmp"), at("a")); err != nil {
				t.Fatal(err)
			}
		}, files{"a": ""}},
		{"removed: stays removed", files{"a": "old", "b": "kept"}, func(t *testing.T, at func(string) string) {
			if err := os.Remove(at("a")); err != nil {
				t.Fatal(err)
			}
		}, files{"b": "kept"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, saved, mnt := t.TempDir(), t.TempDir(), t.TempDir()
			for name, data := range tt.before {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			p, err := Mount(dir, saved, mnt)
			if err != nil {
				t.Fatal(err)
			}
			mounted := true
			t.Cleanup(func() {
				if mounted {
					_ = p.Unmount()
				}
			})
			tt.do(t, func(name string) string { return filepath.Join(mnt, name) })
			if err := syncDir(mnt); err != nil { // directories sync (a no-op here)
				t.Error(err)
			}
			if err := p.Unmount(); err != nil {
				t.Fatal(err)
			}
			mounted = false
			if _, err := p.PowerLoss(); err != nil {
				t.Fatal(err)
			}
			got := files{}
			err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := os.ReadFile(path)
				rel, _ := filepath.Rel(dir, path)
				got[rel] = string(data)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Errorf("files %q, want %q", got, tt.want)
			}
			for name, data := range tt.want {
				if got[name] != data {
					t.Errorf("%s: %q, want %q", name, got[name], data)
				}
			}
		})
	}
}

func write(t *testing.T, path, data string, flag int, sync bool) {
	t.Helper()
	f, err := os.OpenFile(path, flag|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
	}
}

func syncDir(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
