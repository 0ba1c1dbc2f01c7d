package embedded

import (
	"errors"
	"fmt"
	"syscall"
	"time"
)

// ErrNoSpace is matched (errors.Is) by the error of Server.Health while
// the server cannot write for lack of disk space.
var ErrNoSpace = errors.New("no space left on device")

// ResumeFreeSpace is the free disk space, in bytes, at which a server
// that ran out of space restarts to resume.
const ResumeFreeSpace = 1 << 20

// spaceCheckInterval is how often a server out of space checks the free
// space.
const spaceCheckInterval = time.Second

// Health returns nil while the server works, and an error matching
// ErrNoSpace, naming the data directory, while it cannot write for lack
// of disk space. A JetStream stream that failed to write refuses every
// later write without answering (publishers only see their timeout), so
// the server then checks the free space every second and, once
// ResumeFreeSpace bytes are free, restarts: connections made by Connect
// reconnect by themselves and nothing acknowledged is lost. The transport
// and store of Open fail at once with this error meanwhile.
func (s *Server) Health() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.noSpace
}

// noteError receives the arguments of every error the server logs, and
// notices a full disk. It runs under the server's locks: it must not call
// the server.
func (s *Server) noteError(args []any) {
	for _, a := range args {
		if err, ok := a.(error); ok && errors.Is(err, syscall.ENOSPC) {
			s.outOfSpace(err)
			return
		}
	}
}

func (s *Server) outOfSpace(cause error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.noSpace != nil || s.stopped {
		return
	}
	s.noSpace = fmt.Errorf("embedded server: %w in %s (%v): writes fail until space is freed; "+
		"the server resumes by itself once %d MiB are free", ErrNoSpace, s.dir, cause, ResumeFreeSpace>>20)
	if s.cfg.Logger != nil {
		s.cfg.Logger.Error("embedded server out of disk space", "dir", s.dir, "err", cause)
	}
	go s.resumeWhenSpace()
}

// resumeWhenSpace restarts the server once enough space is free.
func (s *Server) resumeWhenSpace() {
	tick := time.NewTicker(spaceCheckInterval)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
		if free, ok := freeBytes(s.dir); ok && free < ResumeFreeSpace {
			continue
		}
		err := s.restart()
		if err == nil {
			return
		}
		if s.cfg.Logger != nil {
			s.cfg.Logger.Error("embedded server: restart after out of space failed; retrying", "err", err)
		}
	}
}

// restart replaces the NATS server by a new one on the same directory
// and address, which reloads the streams and forgets their write errors.
func (s *Server) restart() error {
	s.restarting.Lock()
	defer s.restarting.Unlock()
	s.mu.Lock()
	old, stopped := s.ns, s.stopped
	s.mu.Unlock()
	if stopped {
		return nil
	}
	old.Shutdown()
	old.WaitForShutdown()
	ns, err := s.startNATS()
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.ns, s.noSpace = ns, nil
	s.mu.Unlock()
	if s.cfg.Logger != nil {
		s.cfg.Logger.Info("embedded server resumed: disk space is back", "dir", s.dir)
	}
	return nil
}
