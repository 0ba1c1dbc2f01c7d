package powerloss

import (
	"context"
	"strconv"
	"syscall"

	fusefs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// file is an open file that records its writes and syncs. It does not
// offer its descriptor for kernel passthrough (FilePassthroughFder):
// every write must come here.
type file struct {
	lf  *fusefs.LoopbackFile
	fs  *FS
	fd  int // a read-only descriptor of the same file, for the durable copies
	ino uint64
}

var (
	_ fusefs.FileReader    = (*file)(nil)
	_ fusefs.FileWriter    = (*file)(nil)
	_ fusefs.FileFsyncer   = (*file)(nil)
	_ fusefs.FileFlusher   = (*file)(nil)
	_ fusefs.FileReleaser  = (*file)(nil)
	_ fusefs.FileGetattrer = (*file)(nil)
	_ fusefs.FileSetattrer = (*file)(nil)
	_ fusefs.FileLseeker   = (*file)(nil)
	_ fusefs.FileGetlker   = (*file)(nil)
	_ fusefs.FileSetlker   = (*file)(nil)
	_ fusefs.FileSetlkwer  = (*file)(nil)
)

// wrap records the writes and syncs of fh, the loopback handle of a file
// (created: a new file, with no durable data yet).
func (p *FS) wrap(fh fusefs.FileHandle, created bool) (*file, syscall.Errno) {
	lf := fh.(*fusefs.LoopbackFile)
	wfd, ok := lf.PassthroughFd()
	if !ok {
		return nil, syscall.EBADF
	}
	// The handle's own descriptor may be write-only.
	fd, err := syscall.Open("/proc/self/fd/"+strconv.Itoa(wfd), syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fusefs.ToErrno(err)
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		_ = syscall.Close(fd)
		return nil, fusefs.ToErrno(err)
	}
	f := &file{lf: lf, fs: p, fd: fd, ino: st.Ino}
	if created {
		p.mu.Lock()
		_, err := p.track(st.Ino, fd, true)
		p.mu.Unlock()
		if err != nil {
			_ = syscall.Close(fd)
			return nil, fusefs.ToErrno(err)
		}
	}
	return f, 0
}

func (f *file) Write(ctx context.Context, data []byte, off int64) (uint32, syscall.Errno) {
	f.fs.mu.Lock()
	e, err := f.fs.track(f.ino, f.fd, false) // the durable copy, before the write
	f.fs.mu.Unlock()
	if err != nil {
		return 0, fusefs.ToErrno(err)
	}
	n, errno := f.lf.Write(ctx, data, off)
	f.fs.mu.Lock()
	e.add(off, off+int64(n))
	f.fs.mu.Unlock()
	return n, errno
}

func (f *file) Fsync(ctx context.Context, flags uint32) syscall.Errno {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	return fusefs.ToErrno(f.fs.persist(f.ino, f.fd))
}

func (f *file) Setattr(ctx context.Context, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	if size, ok := in.GetSize(); ok {
		if errno := f.fs.truncating(f.fd, int64(size)); errno != 0 {
			return errno
		}
	}
	return f.lf.Setattr(ctx, in, out)
}

// truncating records that the file at fd is about to take size: the
// bytes from size on change (cut, or zeros when it grows).
func (p *FS) truncating(fd int, size int64) syscall.Errno {
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return fusefs.ToErrno(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	e, err := p.track(st.Ino, fd, false)
	if err != nil {
		return fusefs.ToErrno(err)
	}
	e.add(min(size, st.Size), max(size, st.Size))
	return 0
}

// persistPath makes the file at path durable (see persist).
func (p *FS) persistPath(path string) syscall.Errno {
	fd, err := syscall.Open(path, syscall.O_RDONLY, 0)
	if err != nil {
		return fusefs.ToErrno(err)
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return fusefs.ToErrno(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return fusefs.ToErrno(p.persist(st.Ino, fd))
}

func (f *file) Read(ctx context.Context, buf []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	return f.lf.Read(ctx, buf, off)
}
func (f *file) Flush(ctx context.Context) syscall.Errno { return f.lf.Flush(ctx) }
func (f *file) Release(ctx context.Context) syscall.Errno {
	_ = syscall.Close(f.fd)
	return f.lf.Release(ctx)
}
func (f *file) Getattr(ctx context.Context, out *fuse.AttrOut) syscall.Errno {
	return f.lf.Getattr(ctx, out)
}
func (f *file) Lseek(ctx context.Context, off uint64, whence uint32) (uint64, syscall.Errno) {
	return f.lf.Lseek(ctx, off, whence)
}
func (f *file) Getlk(ctx context.Context, owner uint64, lk *fuse.FileLock, flags uint32, out *fuse.FileLock) syscall.Errno {
	return f.lf.Getlk(ctx, owner, lk, flags, out)
}
func (f *file) Setlk(ctx context.Context, owner uint64, lk *fuse.FileLock, flags uint32) syscall.Errno {
	return f.lf.Setlk(ctx, owner, lk, flags)
}
func (f *file) Setlkw(ctx context.Context, owner uint64, lk *fuse.FileLock, flags uint32) syscall.Errno {
	return f.lf.Setlkw(ctx, owner, lk, flags)
}
