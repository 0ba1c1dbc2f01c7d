//go:build unix

package embedded

import (
	"io/fs"
	"syscall"
)

// inode returns the device and inode numbers of info's file: a file
// replaced by a rename has new ones.
func inode(info fs.FileInfo) (dev, ino uint64) {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev), uint64(st.Ino) //nolint:unconvert // their types vary across systems
	}
	return 0, 0
}
