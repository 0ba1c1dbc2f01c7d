package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/dashboard"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport/natsjs"
	"github.com/spf13/cobra"
)

// dashboardExposedWarning is printed when the dashboard can act and
// listens beyond loopback.
const dashboardExposedWarning = "WARNING: the dashboard listens on %s and can act (cancel, retry, send, start) " +
	"for anyone who reaches it: it has no login. Keep it on 127.0.0.1, put an authenticating proxy in front, or add --read-only.\n"

func newDashboardCmd() *cobra.Command {
	f := &opsFlags{}
	var (
		listen   string
		opts     dashboard.Options
		logLevel string
	)
	cmd := &cobra.Command{
		Use:   "dashboard",
		Short: "Serve the web dashboard: instances, their timelines, actions, workers and streams",
		Long: `dashboard serves a web dashboard on --listen (http://127.0.0.1:8080 by
default): the instances of the workflows, searched by status, tag, custom
id and start time; each instance with its history on a time axis and the
state at any instant of it; the workers' streams (consumers, pending
messages, redeliveries, dead letters, throughput). It acts too (cancel,
retry, complete timers, send to a channel, start), each action after a
confirmation, unless --read-only.

It connects like "infinitic workflow": to the deployment's NATS server
(--server, or $INFINITIC_SERVER), or it opens an embedded data directory
(--data-dir) when no server runs on it. Workflow names are found among
the transport's consumers; --workflow adds names (for workflows with no
worker running).

The dashboard has no login: keep it on loopback (the default), or behind
an authenticating proxy.`,
		Example: `  infinitic dashboard --server nats://127.0.0.1:4222
  infinitic dashboard --data-dir ./infinitic-data --listen 127.0.0.1:9090 --read-only`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			logger, err := newLogger(cmd.ErrOrStderr(), logLevel)
			if err != nil {
				return err
			}
			opts.Logger = logger
			a, tr, closeAll, err := f.connect(cmd.Context())
			if err != nil {
				return err
			}
			defer closeAll()
			opts.Transport = tr
			stop, err := startDashboard(cmd, a, opts, listen)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Ctrl-C to stop")
			<-cmd.Context().Done()
			return stop()
		},
	}
	fl := cmd.Flags()
	f.addBackendFlags(fl)
	fl.StringVar(&listen, "listen", "127.0.0.1:8080", "host:port to serve the dashboard on (port 0: any free port)")
	fl.BoolVar(&opts.ReadOnly, "read-only", false, "show only: no action, and POST requests are refused")
	fl.StringSliceVar(&opts.Workflows, "workflow", nil, "workflow names to offer besides those found among the consumers (repeat or comma-separate)")
	fl.DurationVar(&opts.Refresh, "refresh", 5*time.Second, "how often pages refresh their live parts (0: never)")
	fl.StringVar(&logLevel, "log-level", "warn", "logs to show on stderr: debug, info, warn, error or off")
	return cmd
}

// startDashboard serves a dashboard of a on listen until stop is called.
func startDashboard(cmd *cobra.Command, a *admin.Admin, opts dashboard.Options, listen string) (stop func() error, _ error) {
	if opts.Refresh == 0 {
		opts.Refresh = -1 // the flag's 0 means never
	}
	d, err := dashboard.New(a, opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	if !opts.ReadOnly && !loopback(ln.Addr()) {
		fmt.Fprintf(cmd.ErrOrStderr(), dashboardExposedWarning, ln.Addr())
	}
	srv := &http.Server{Handler: d, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	fmt.Fprintf(cmd.OutOrStdout(), "infinitic dashboard on http://%s/\n", ln.Addr())
	return func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := srv.Shutdown(ctx)
		if served := <-done; !errors.Is(served, http.ErrServerClosed) {
			err = errors.Join(err, served)
		}
		return err
	}, nil
}

// dashboardOnServer serves a dashboard of the deployment of an embedded
// server (infinitic server --http), on an in-process connection.
func dashboardOnServer(cmd *cobra.Command, srv *embedded.Server, opts dashboard.Options, listen string) (stop func() error, err error) {
	ctx := cmd.Context()
	var closers []func() error
	stop = func() error {
		var errs []error
		for i := len(closers) - 1; i >= 0; i-- {
			errs = append(errs, closers[i]())
		}
		return errors.Join(errs...)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, stop())
		}
	}()
	nc, err := srv.Connect()
	if err != nil {
		return nil, err
	}
	closers = append(closers, func() error { nc.Close(); return nil })
	tr, err := natsjs.New(ctx, nc, natsjs.Config{Health: srv.Health, KeepStreams: true}) // the workers' settings stand
	if err != nil {
		return nil, err
	}
	closers = append(closers, tr.Close)
	st, err := natskv.New(ctx, nc, natskv.Config{Health: srv.Health})
	if err != nil {
		return nil, err
	}
	closers = append(closers, st.Close)
	a, err := admin.New(ctx, admin.Config{Transport: tr, Store: st, Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	closers = append(closers, a.Close)
	opts.Transport = tr
	stopHTTP, err := startDashboard(cmd, a, opts, listen)
	if err != nil {
		return nil, err
	}
	closers = append(closers, stopHTTP)
	return stop, nil
}

// loopback tells whether addr is a loopback address.
func loopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
