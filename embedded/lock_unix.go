//go:build unix

package embedded

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockFile is the file in the data directory that the running server
// holds an exclusive lock on.
const lockFile = "infinitic.lock"

// lockDir takes an exclusive lock on dir, so that two servers (two
// processes, or two servers of one process) never write the same JetStream
// files. The operating system releases it when the process dies, even with
// kill -9. Unlock releases it.
func lockDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("embedded: data dir %s: %w", dir, err)
	}
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("embedded: data dir %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("embedded: data dir %s is in use by another infinitic server "+
				"(an `infinitic server` or `infinitic demo` running, or another embedded server of this process): "+
				"stop it, choose another --data-dir (Config.DataDir), or connect to that server over NATS", dir)
		}
		return nil, fmt.Errorf("embedded: lock data dir %s: %w", dir, err)
	}
	return func() { f.Close() }, nil
}
