package embedded

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"github.com/infinitic-go/infinitic/broker"
)

// User may connect to the server, authenticated by a password or an
// nkey, with the rights of its role.
type User struct {
	// Name and Password authenticate a user by password. Name is
	// required (also with NKey: it names the user in errors).
	Name, Password string
	// NKey is the user's public nkey ("U..."), for clients holding its
	// seed (broker.Config.NKeyFile); set either Password or NKey.
	NKey string
	// Role limits what the user may do (broker.RolePermissions with the
	// default stream and bucket names, and Services for RoleService).
	// Default "": no limit (an administrator).
	Role broker.Role
	// Services are the services that a RoleService user runs.
	Services []string
}

// TLS makes the client port require TLS. Files are in PEM format.
type TLS struct {
	// CertFile and KeyFile are the server's certificate and key. Required.
	CertFile, KeyFile string
	// CAFile holds the certificate authorities that sign clients'
	// certificates, for VerifyClients. Default: the system's.
	CAFile string
	// VerifyClients requires a client certificate signed by CAFile
	// (mutual TLS). Default false.
	VerifyClients bool
}

// internalUser names the user of the server's own connections
// (Server.Connect) when Config.Users is set; its password is random.
const internalUser = "infinitic-embedded"

// auth sets the users and the TLS of cfg on opts; internalPassword is the
// password of the server's own connections.
func (cfg Config) auth(opts *server.Options, internalPassword string) error {
	var errs []error
	for i, u := range cfg.Users {
		var perms *server.Permissions
		if u.Role != "" {
			p, err := broker.RolePermissions(u.Role, broker.Config{}, u.Services...)
			if err != nil {
				errs = append(errs, fmt.Errorf("Users[%d] %q: %w", i, u.Name, err))
				continue
			}
			perms = &server.Permissions{
				Publish:   &server.SubjectPermission{Allow: p.Publish},
				Subscribe: &server.SubjectPermission{Allow: p.Subscribe},
			}
		}
		switch {
		case u.Name == "" || u.Name == internalUser:
			errs = append(errs, fmt.Errorf("Users[%d]: Name is required and must not be %q", i, internalUser))
		case (u.Password == "") == (u.NKey == ""):
			errs = append(errs, fmt.Errorf("Users[%d] %q: set one of Password and NKey", i, u.Name))
		case u.NKey != "":
			if !nkeys.IsValidPublicUserKey(u.NKey) {
				errs = append(errs, fmt.Errorf("Users[%d] %q: NKey %q is not a public user nkey (U...)", i, u.Name, u.NKey))
			}
			opts.Nkeys = append(opts.Nkeys, &server.NkeyUser{Nkey: u.NKey, Permissions: perms})
		default:
			opts.Users = append(opts.Users, &server.User{Username: u.Name, Password: u.Password, Permissions: perms})
		}
	}
	if len(cfg.Users) > 0 {
		opts.Users = append(opts.Users, &server.User{Username: internalUser, Password: internalPassword})
	}
	if cfg.TLS != (TLS{}) {
		if cfg.TLS.CertFile == "" || cfg.TLS.KeyFile == "" {
			errs = append(errs, errors.New("TLS: CertFile and KeyFile are required"))
		} else {
			tc, err := server.GenTLSConfig(&server.TLSConfigOpts{
				CertFile: cfg.TLS.CertFile, KeyFile: cfg.TLS.KeyFile, CaFile: cfg.TLS.CAFile, Verify: cfg.TLS.VerifyClients,
			})
			if err != nil {
				errs = append(errs, fmt.Errorf("TLS: %w", err))
			}
			opts.TLSConfig, opts.TLS, opts.TLSVerify = tc, true, cfg.TLS.VerifyClients
			opts.TLSTimeout = 2
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("embedded: %w", err)
	}
	return nil
}

// Exposed reports whether anyone who reaches the port may connect with every
// right: no users, on an address other than loopback.
func (cfg Config) Exposed() bool {
	if cfg.Listen == "" || len(cfg.Users) > 0 {
		return false
	}
	host, _, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// internalAuth returns the connection options of the server's own
// connections.
func (s *Server) internalAuth() []nats.Option {
	if len(s.cfg.Users) == 0 {
		return nil
	}
	return []nats.Option{nats.UserInfo(internalUser, s.internalPassword)}
}

func randomPassword() string { return rand.Text() }
