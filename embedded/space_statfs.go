//go:build linux || darwin

package embedded

import "syscall"

// freeBytes returns the space available to this process on the file
// system of dir, or false if it cannot tell.
func freeBytes(dir string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}
