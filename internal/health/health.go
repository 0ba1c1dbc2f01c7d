// Package health serves the HTTP probes of long-running processes
// (infinitic server, workers): /healthz answers 200 while the process
// serves, /readyz 200 once it is ready to work and 503 (with the reason)
// before and while it shuts down; and, when given, their /metrics.
package health

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Server serves the probes on one address.
type Server struct {
	ln  net.Listener
	srv *http.Server
}

// Listen serves /healthz and /readyz on addr (host:port; port 0: any free
// port); ready tells whether the process is ready (nil) or why not.
// metrics, if not nil, is served as /metrics.
func Listen(addr string, ready func() error, metrics http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if err := ready(); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	if metrics != nil {
		mux.Handle("GET /metrics", metrics)
	}
	s := &Server{ln: ln, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Addr is the address the probes are served on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops serving, waiting briefly for requests in flight.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return s.srv.Close()
	}
	return nil
}
