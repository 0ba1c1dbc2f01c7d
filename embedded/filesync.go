package embedded

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// fileSyncer fsyncs what changed under a directory since its previous
// pass: the files whose identity, size or modification time changed, and
// the directories whose entries changed. The server writes its message
// blocks by appending (size changes) and replaces its other files by
// renaming a new one (identity changes), so a write done before a pass
// started is always seen by it. Fsyncing every file instead would cost a
// disk cache flush per file, changed or not.
type fileSyncer struct {
	root  string
	files map[string]fileID // as of the previous pass
	dirs  map[string]string // directory -> its entries, as of the previous pass
}

type fileID struct {
	dev, ino   uint64
	size, time int64
}

func newFileSyncer(root string) *fileSyncer {
	return &fileSyncer{root: root, files: map[string]fileID{}, dirs: map[string]string{}}
}

// sync makes durable every write under root that completed before it was
// called. Files and directories removed meanwhile are skipped. One pass
// at a time (groupsync runs it in rounds).
func (f *fileSyncer) sync() error {
	changed, commit, err := f.changes()
	if err != nil {
		return err
	}
	if err := fsyncAll(changed); err != nil {
		return err // the next pass tries them again
	}
	commit()
	return nil
}

// changes returns the files and directories changed since the last
// commit, and the commit that records them as synced.
func (f *fileSyncer) changes() (changed []string, commit func(), err error) {
	files := make(map[string]fileID, len(f.files))
	dirs := make(map[string]string, len(f.dirs))
	renamed := map[string]bool{} // directories with a file of a new identity
	var walk func(dir string) error
	walk = func(dir string) error { // one listing per directory: a round's walk is mostly syscalls
		entries, err := os.ReadDir(dir) // sorted by name
		if err != nil {
			return ignoreGone(err) // removed while walking
		}
		list := joinNames(entries)
		dirs[dir] = list
		if old, ok := f.dirs[dir]; !ok || old != list {
			changed = append(changed, dir)
		}
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			if e.IsDir() {
				if err := walk(path); err != nil {
					return err
				}
				continue
			}
			if !e.Type().IsRegular() {
				continue
			}
			info, err := e.Info()
			if err != nil {
				if err = ignoreGone(err); err != nil {
					return err
				}
				continue
			}
			id := fileID{size: info.Size(), time: info.ModTime().UnixNano()}
			id.dev, id.ino = inode(info)
			files[path] = id
			if old, ok := f.files[path]; !ok || old != id {
				changed = append(changed, path)
				if !ok || old.dev != id.dev || old.ino != id.ino { // a new name: its directory too
					renamed[dir] = true
				}
			}
		}
		return nil
	}
	if err := walk(f.root); err != nil {
		return nil, nil, err
	}
	for dir := range renamed {
		if !slices.Contains(changed, dir) {
			changed = append(changed, dir)
		}
	}
	return changed, func() { f.files, f.dirs = files, dirs }, nil
}

// fsyncAll fsyncs paths concurrently: fsyncs that run together share the
// filesystem's journal commits.
func fsyncAll(paths []string) error {
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() { errs[i] = fsync(p) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func fsync(path string) error {
	fd, err := os.Open(path)
	if err != nil {
		return ignoreGone(err)
	}
	err = fd.Sync()
	if cerr := fd.Close(); err == nil {
		err = cerr
	}
	return ignoreGone(err)
}

// ignoreGone drops the error of a file removed meanwhile: what it held is
// gone on purpose, there is nothing left to make durable.
func ignoreGone(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// joinNames returns the names of entries as one string, to compare
// listings.
func joinNames(entries []os.DirEntry) string {
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.Name())
		b.WriteByte(0)
	}
	return b.String()
}
