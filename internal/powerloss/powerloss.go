// Package powerloss simulates power losses, for tests: a FUSE file
// system that passes every operation through to a directory and keeps,
// for each file, a copy of what was made durable; PowerLoss then rolls
// every file back to that copy.
//
// The model, close to ext4's default (data=ordered, auto_da_alloc):
//   - a file's data is durable once fsynced (fsync or fdatasync of any of
//     its descriptors), and not before: a file created and never fsynced
//     is empty after a power loss, one appended to loses its tail;
//   - a rename that replaces a file first makes the renamed file's data
//     durable (ext4's auto_da_alloc: the usual "write a temporary file,
//     rename it over" update does not leave an empty file);
//   - namespace changes (create, rename, unlink, mkdir) are durable at
//     once, as if journaled right away.
//
// Real disks may keep more than this model (unsynced pages written back
// early), never less: what survives here survives there.
package powerloss

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"

	fusefs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// FS is a mounted simulation. Create it with Mount.
type FS struct {
	dir    string // the files, as the processes see them
	saved  string // durable copies, one per inode of dir
	mnt    string
	server *fuse.Server

	mu    sync.Mutex
	files map[uint64]*extent // inode in dir -> written since its last sync
}

// extent is the part of a file written since it was last made durable.
type extent struct{ lo, hi int64 }

func (e *extent) add(lo, hi int64) {
	if e.lo == e.hi {
		e.lo, e.hi = lo, hi
		return
	}
	e.lo, e.hi = min(e.lo, lo), max(e.hi, hi)
}

// Mount serves dir at mnt (an empty directory) and keeps its durable
// copies under saved (an empty directory). Everything in dir when Mount
// is called is durable. Unmount before PowerLoss.
func Mount(dir, saved, mnt string) (*FS, error) {
	p := &FS{dir: dir, saved: saved, mnt: mnt, files: map[uint64]*extent{}}
	root, err := fusefs.NewLoopbackRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("powerloss: %w", err)
	}
	n := &node{LoopbackNode: root.(*fusefs.LoopbackNode), fs: p}
	server, err := fusefs.Mount(mnt, n, &fusefs.Options{MountOptions: fuse.MountOptions{
		DirectMountStrict: true, // as root: no fusermount needed
		FsName:            "powerloss",
		Name:              "powerloss",
	}})
	if err != nil {
		return nil, fmt.Errorf("powerloss: mount %s (needs root and /dev/fuse): %w", mnt, err)
	}
	p.server = server
	return p, nil
}

// Unmount unmounts the file system; the processes using it must be gone.
func (p *FS) Unmount() error {
	if err := p.server.Unmount(); err != nil {
		return fmt.Errorf("powerloss: unmount %s: %w", p.mnt, err)
	}
	p.server.Wait()
	return nil
}

// Loss is what a power loss took back.
type Loss struct {
	Files int   // files rolled back
	Bytes int64 // bytes of data lost (written, never made durable)
}

// PowerLoss rolls every file written since its last sync back to its
// durable copy, once the file system is unmounted. Afterwards everything
// left is durable again (mount anew to go on).
func (p *FS) PowerLoss() (Loss, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var loss Loss
	err := filepath.WalkDir(p.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		ino, err := inode(path)
		if err != nil {
			return err
		}
		e, ok := p.files[ino]
		if !ok {
			return nil
		}
		if e.lo < e.hi {
			loss.Files++
			loss.Bytes += e.hi - e.lo
		}
		return copyFile(p.copyOf(ino), path)
	})
	if err != nil {
		return loss, fmt.Errorf("powerloss: %w", err)
	}
	p.files = map[uint64]*extent{}
	if err := os.RemoveAll(p.saved); err != nil {
		return loss, err
	}
	return loss, os.Mkdir(p.saved, 0o755)
}

func (p *FS) copyOf(ino uint64) string { return filepath.Join(p.saved, strconv.FormatUint(ino, 10)) }

// track returns the extent of the file at fd (inode ino), starting its
// durable copy if the file had none: empty for a file just created, its
// current content otherwise (durable since the mount). p.mu is held.
func (p *FS) track(ino uint64, fd int, created bool) (*extent, error) {
	if e, ok := p.files[ino]; ok {
		return e, nil
	}
	dst, err := os.OpenFile(p.copyOf(ino), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	if !created {
		if _, err := io.Copy(dst, io.NewSectionReader(fdReader(fd), 0, 1<<62)); err != nil {
			return nil, err
		}
	}
	e := &extent{}
	p.files[ino] = e
	return e, nil
}

// persist makes the data of the file at fd (inode ino) durable: its
// written extent is copied to the durable copy, which takes its size.
// p.mu is held.
func (p *FS) persist(ino uint64, fd int) error {
	e, ok := p.files[ino]
	if !ok {
		return nil // nothing written since the mount
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return err
	}
	dst, err := os.OpenFile(p.copyOf(ino), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer dst.Close()
	if hi := min(e.hi, st.Size); e.lo < hi {
		buf := make([]byte, hi-e.lo)
		if _, err := syscall.Pread(fd, buf, e.lo); err != nil {
			return err
		}
		if _, err := dst.WriteAt(buf, e.lo); err != nil {
			return err
		}
	}
	if err := dst.Truncate(st.Size); err != nil {
		return err
	}
	e.lo, e.hi = 0, 0
	return nil
}

// forget drops the durable copy of the file at path, about to be
// removed or replaced.
func (p *FS) forget(path string) {
	ino, err := inode(path)
	if err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.files[ino]; ok {
		delete(p.files, ino)
		_ = os.Remove(p.copyOf(ino))
	}
}

func inode(path string) (uint64, error) {
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// fdReader reads a descriptor at offsets, without moving or owning it.
type fdReader int

func (r fdReader) ReadAt(b []byte, off int64) (int, error) {
	n, err := syscall.Pread(int(r), b, off)
	if err == nil && n == 0 && len(b) > 0 {
		return 0, io.EOF
	}
	return n, err
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(to, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}
