//go:build linux

package e2e_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/embedded"
)

// mountSmallDisk mounts a tmpfs file system of size (like "8m") for the
// test: a disk that fills up quickly without filling the machine's.
func mountSmallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 && os.Getenv("CI") == "" {
		t.Skip("mounting a small file system needs root (CI runs as root)")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Fatalf("mount a %s tmpfs on %s: %v", size, dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fillDisk writes a file in dir until the file system is full, and
// returns its path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return path
		}
	}
}

// A full disk under the embedded server: callers get an error that says
// so (not a bare timeout), and once space is freed the server resumes by
// itself and every workflow accepted before completes (deliveries in
// flight at the restart come back after the transport's AckWait).
func TestDiskFullSurfacesAndResumes(t *testing.T) {
	// Deliveries in flight at the restart come back after the AckWait (30 s).
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	disk := mountSmallDisk(t, "8m")
	d := startEmbeddedIn(t, filepath.Join(disk, "data"), registerSums)
	c := d.Client

	var accepted []*client.Run[int]
	start := func(timeout time.Duration) error {
		sctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		run, err := client.Start(sctx, c, Sums.Sequential, 10)
		if err == nil {
			accepted = append(accepted, run)
		}
		return err
	}
	for range 10 { // in flight when the disk fills
		if err := start(10 * time.Second); err != nil {
			t.Fatal(err)
		}
	}
	filler := fillDisk(t, disk)
	var full error
	for i := 0; i < 1000 && full == nil; i++ {
		full = start(5 * time.Second)
	}
	if !errors.Is(full, embedded.ErrNoSpace) || !strings.Contains(full.Error(), "no space left on device") {
		t.Fatalf("Start on a full disk: want an error matching embedded.ErrNoSpace, got %v", full)
	}
	t.Logf("Start on a full disk: %v", full)
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for d.Server.Health() != nil { // the server checks the free space every second
		select {
		case <-ctx.Done():
			t.Fatalf("the server did not resume: %v", d.Server.Health())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Log("the server resumed")
	if err := start(10 * time.Second); err != nil {
		t.Fatalf("Start after space was freed: %v", err)
	}
	for i, run := range accepted {
		if got, err := run.Await(ctx); err != nil || got != 45 {
			t.Fatalf("workflow %d of %d: got %d, %v; want 45", i+1, len(accepted), got, err)
		}
	}
	t.Logf("%d workflows accepted, all completed", len(accepted))
}
