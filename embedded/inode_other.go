//go:build !unix

package embedded

import "io/fs"

// inode cannot tell a file's identity here: a file replaced by a rename
// is still seen as changed when its size or modification time differs.
func inode(fs.FileInfo) (dev, ino uint64) { return 0, 0 }
