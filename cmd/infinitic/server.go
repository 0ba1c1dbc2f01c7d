package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic/dashboard"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/internal/health"
	"github.com/spf13/cobra"
)

func newServerCmd() *cobra.Command {
	cfg := embedded.Config{}
	var logLevel, healthAddr, metricsAddr, usersPath, dashboardAddr, durability string
	var dashboardReadOnly bool
	var routes []string
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run the embedded NATS JetStream broker with a TCP port",
		Long: `server runs the embedded NATS JetStream server that infinitic-go uses by
default, listening on --listen, so that several processes (clients,
workers) can share it: point them at nats://<listen> (for the demo:
infinitic demo --role worker --backend nats --nats nats://127.0.0.1:4222 and
infinitic demo --role client; for your own programs: broker.Connect or
package config). Data lives in --data-dir; stop with Ctrl-C or SIGTERM. The NATS server's logs go to
standard error from --log-level on (warnings and errors by default).

--users FILE lists who may connect, each with a role (client, service or
worker: see the README's "Deploying"), as YAML:

  users:
    - {name: shop, password: change-me, role: client}
    - {name: greeter, nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4, role: service, services: [Greeter]}
    - {name: engines, password: change-me-too, role: worker}

--durability power-loss makes everything that the server acknowledges to
its clients' callers survive a power loss (group commit: one fsync serves
every write of its moment; clients find it on their own); the default,
process-crash, survives a crash of any process but not of the machine.
--sync-always fsyncs every write on its own (slower; for cluster nodes).

--tls-cert and --tls-key make clients use TLS; --tls-verify also requires
client certificates signed by --tls-ca (mutual TLS). Without --users on
an address other than loopback, the server warns: anyone can connect.

--http ADDR also serves the web dashboard of this deployment (as
infinitic dashboard does; --http-read-only for no action).

--cluster-name, --cluster-listen and --routes make the server one node of
a NATS cluster; start three, each with its own --server-name, --data-dir
and ports, and give workers and clients the three client URLs and
transport.nats.replicas: 3 (see the README's "Deploying"):

  infinitic server --server-name n1 --listen 127.0.0.1:4222 --data-dir data/n1 \
    --cluster-name infinitic --cluster-listen 127.0.0.1:6222 \
    --routes nats://127.0.0.1:6222,nats://127.0.0.1:6223,nats://127.0.0.1:6224`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if cfg.Logger, err = newLogger(cmd.ErrOrStderr(), logLevel); err != nil {
				return err
			}
			if usersPath != "" {
				if cfg.Users, err = readUsers(usersPath); err != nil {
					return err
				}
			}
			cfg.Cluster.Routes = routes
			if cfg.Durability, err = embedded.ParseDurability(durability); err != nil {
				return err
			}
			if cfg.Exposed() {
				fmt.Fprintf(cmd.ErrOrStderr(), exposedWarning, cfg.Listen)
			}
			srv, err := embedded.Start(cfg)
			if err != nil {
				return err
			}
			defer srv.Shutdown()
			if healthAddr != "" {
				probes, err := health.Listen(healthAddr, func() error { return serverReady(srv) }, nil)
				if err != nil {
					return fmt.Errorf("health probes: %w", err)
				}
				defer func() { _ = probes.Close() }()
				fmt.Fprintf(cmd.OutOrStdout(), "health probes on http://%s (/healthz, /readyz)\n", probes.Addr())
			}
			if dashboardAddr != "" {
				stop, err := dashboardOnServer(cmd, srv, dashboard.Options{ReadOnly: dashboardReadOnly, Logger: cfg.Logger}, dashboardAddr)
				if err != nil {
					return fmt.Errorf("dashboard: %w", err)
				}
				defer func() { _ = stop() }()
			}
			if metricsAddr != "" {
				stop, err := serveMetrics(metricsAddr, func() error { return serverReady(srv) })
				if err != nil {
					return fmt.Errorf("metrics: %w", err)
				}
				defer stop()
				fmt.Fprintf(cmd.OutOrStdout(), "metrics on http://%s/metrics\n", metricsAddr)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "infinitic server listening on %s (data in %s); Ctrl-C to stop\n", srv.ClientURL(), srv.DataDir())
			if url := srv.ClusterURL(); url != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "node %s of cluster %s, routes on %s\n", srv.NATSServer().Name(), cfg.Cluster.Name, url)
			}
			<-cmd.Context().Done()
			fmt.Fprintln(cmd.OutOrStdout(), "stopping")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Listen, "listen", "127.0.0.1:4222", "host:port to serve NATS clients on (port 0: any free port)")
	f.StringVar(&cfg.DataDir, "data-dir", embedded.DefaultDataDir, "JetStream data directory")
	f.StringVar(&durability, "durability", "process-crash", "what an acknowledged write survives: process-crash, or power-loss (group commit)")
	f.BoolVar(&cfg.SyncAlways, "sync-always", false, "fsync every write on its own before acknowledging it (slower than --durability power-loss)")
	f.StringVar(&logLevel, "log-level", "warn", "NATS server logs to show on stderr: debug, info, warn, error or off")
	f.StringVar(&healthAddr, "health", "", "host:port to serve the HTTP probes /healthz and /readyz on (default: none)")
	f.StringVar(&metricsAddr, "metrics", "", "host:port to serve Prometheus metrics on, as /metrics (default: none)")
	f.StringVar(&usersPath, "users", "", "YAML file of the users who may connect, with their roles (default: anyone, with every right)")
	f.StringVar(&cfg.TLS.CertFile, "tls-cert", "", "server certificate (PEM): clients must use TLS")
	f.StringVar(&cfg.TLS.KeyFile, "tls-key", "", "key of --tls-cert (PEM)")
	f.StringVar(&cfg.TLS.CAFile, "tls-ca", "", "certificate authorities of client certificates (PEM), for --tls-verify")
	f.BoolVar(&cfg.TLS.VerifyClients, "tls-verify", false, "require client certificates signed by --tls-ca (mutual TLS)")
	f.StringVar(&cfg.ServerName, "server-name", "", `name of this server, unique in a cluster (default "infinitic")`)
	f.StringVar(&cfg.Cluster.Name, "cluster-name", "", "name of the NATS cluster this server joins (the same on every node)")
	f.StringVar(&cfg.Cluster.Listen, "cluster-listen", "", "host:port on which the other nodes of the cluster connect (private network: no auth)")
	f.StringSliceVar(&routes, "routes", nil, "cluster addresses of the nodes (nats://host:port, comma-separated; this node's own may be included)")
	f.StringVar(&dashboardAddr, "http", "", "host:port to serve the web dashboard on, as infinitic dashboard does (default: none)")
	f.BoolVar(&dashboardReadOnly, "http-read-only", false, "the dashboard of --http only shows: no action")
	f.DurationVar(&cfg.StartTimeout, "start-timeout", 10*time.Second, "how long to wait for the server to be ready")
	return cmd
}

// serverReady tells whether the server accepts clients with JetStream on
// (on a cluster: with a JetStream leader, and this node caught up).
func serverReady(srv *embedded.Server) error {
	ns := srv.NATSServer()
	switch {
	case !ns.Running() || !ns.ReadyForConnections(100*time.Millisecond):
		return errors.New("NATS server not accepting connections")
	case !ns.JetStreamEnabled():
		return errors.New("JetStream not enabled")
	case ns.JetStreamIsClustered():
		if h := ns.Healthz(nil); h.Status != "ok" { // the cluster's metadata, streams and consumers current here
			return fmt.Errorf("JetStream cluster not ready on this node: %s", h.Error)
		}
	}
	return nil
}
