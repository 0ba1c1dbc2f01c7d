package powerloss

import (
	"context"
	"path/filepath"
	"syscall"

	fusefs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// node is a loopback node whose files record their writes and syncs.
type node struct {
	*fusefs.LoopbackNode
	fs *FS
}

var (
	_ fusefs.NodeWrapChilder = (*node)(nil)
	_ fusefs.NodeOpener      = (*node)(nil)
	_ fusefs.NodeCreater     = (*node)(nil)
	_ fusefs.NodeRenamer     = (*node)(nil)
	_ fusefs.NodeUnlinker    = (*node)(nil)
	_ fusefs.NodeSetattrer   = (*node)(nil)
)

func (n *node) WrapChild(_ context.Context, ops fusefs.InodeEmbedder) fusefs.InodeEmbedder {
	return &node{LoopbackNode: ops.(*fusefs.LoopbackNode), fs: n.fs}
}

// backing is the path of name, in this directory, in the backing directory.
func (n *node) backing(name string) string {
	return filepath.Join(n.fs.dir, n.Path(n.Root()), name)
}

func (n *node) Open(ctx context.Context, flags uint32) (fusefs.FileHandle, uint32, syscall.Errno) {
	fh, fuseFlags, errno := n.LoopbackNode.Open(ctx, flags)
	if errno != 0 {
		return nil, 0, errno
	}
	f, errno := n.fs.wrap(fh, false)
	if errno != 0 {
		_ = fh.(fusefs.FileReleaser).Release(ctx)
		return nil, 0, errno
	}
	return f, fuseFlags, 0
}

func (n *node) Create(ctx context.Context, name string, flags, mode uint32, out *fuse.EntryOut) (*fusefs.Inode, fusefs.FileHandle, uint32, syscall.Errno) {
	existed := exists(n.backing(name))
	inode, fh, fuseFlags, errno := n.LoopbackNode.Create(ctx, name, flags, mode, out)
	if errno != 0 {
		return nil, nil, 0, errno
	}
	f, errno := n.fs.wrap(fh, !existed)
	if errno != 0 {
		_ = fh.(fusefs.FileReleaser).Release(ctx)
		return nil, nil, 0, errno
	}
	return inode, f, fuseFlags, 0
}

// Rename over an existing file makes the renamed file durable first
// (auto_da_alloc), and forgets the replaced one.
func (n *node) Rename(ctx context.Context, name string, newParent fusefs.InodeEmbedder, newName string, flags uint32) syscall.Errno {
	from := n.backing(name)
	to := from
	if p, ok := newParent.(*node); ok {
		to = p.backing(newName)
	}
	if exists(to) {
		if errno := n.fs.persistPath(from); errno != 0 {
			return errno
		}
		n.fs.forget(to)
	}
	return n.LoopbackNode.Rename(ctx, name, newParent, newName, flags)
}

func (n *node) Unlink(ctx context.Context, name string) syscall.Errno {
	n.fs.forget(n.backing(name))
	return n.LoopbackNode.Unlink(ctx, name)
}

// Setattr of a size without a handle (truncate(2)) is a write.
func (n *node) Setattr(ctx context.Context, fh fusefs.FileHandle, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	if f, ok := fh.(*file); ok {
		return f.Setattr(ctx, in, out)
	}
	if size, ok := in.GetSize(); ok {
		path := filepath.Join(n.fs.dir, n.Path(n.Root()))
		fd, err := syscall.Open(path, syscall.O_RDONLY, 0)
		if err != nil {
			return fusefs.ToErrno(err)
		}
		defer syscall.Close(fd)
		if errno := n.fs.truncating(fd, int64(size)); errno != 0 {
			return errno
		}
	}
	return n.LoopbackNode.Setattr(ctx, fh, in, out)
}

func exists(path string) bool {
	var st syscall.Stat_t
	return syscall.Lstat(path, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFREG
}
