package embedded_test

import (
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/embedded"
)

func TestBadAuthConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     embedded.Config
		wantErr string
	}{
		{"user without name", embedded.Config{Users: []embedded.User{{Password: "x"}}}, "Name is required"},
		{"user without password or nkey", embedded.Config{Users: []embedded.User{{Name: "a"}}}, "one of Password and NKey"},
		{"user with both", embedded.Config{Users: []embedded.User{{Name: "a", Password: "x", NKey: "U"}}}, "one of Password and NKey"},
		{"not a user nkey", embedded.Config{Users: []embedded.User{{Name: "a", NKey: "SUABC"}}}, "not a public user nkey"},
		{"unknown role", embedded.Config{Users: []embedded.User{{Name: "a", Password: "x", Role: "boss"}}}, `unknown role "boss"`},
		{"service without services", embedded.Config{Users: []embedded.User{{Name: "a", Password: "x", Role: broker.RoleService}}}, "needs the services"},
		{"TLS without key", embedded.Config{TLS: embedded.TLS{CertFile: "cert.pem"}}, "CertFile and KeyFile are required"},
		{"TLS with missing files", embedded.Config{TLS: embedded.TLS{CertFile: "nope.pem", KeyFile: "nope-key.pem"}}, "TLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.DataDir = t.TempDir()
			s, err := embedded.Start(tt.cfg)
			if err == nil {
				s.Shutdown()
				t.Fatalf("accepted, want an error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestExposed(t *testing.T) {
	users := []embedded.User{{Name: "a", Password: "x"}}
	for _, tt := range []struct {
		cfg  embedded.Config
		want bool
	}{
		{embedded.Config{}, false},
		{embedded.Config{Listen: "127.0.0.1:4222"}, false},
		{embedded.Config{Listen: "[::1]:4222"}, false},
		{embedded.Config{Listen: "localhost:4222"}, false},
		{embedded.Config{Listen: "0.0.0.0:4222"}, true},
		{embedded.Config{Listen: ":4222"}, true},
		{embedded.Config{Listen: "10.1.2.3:4222"}, true},
		{embedded.Config{Listen: "nats.example.com:4222"}, true},
		{embedded.Config{Listen: "0.0.0.0:4222", Users: users}, false},
	} {
		if got := tt.cfg.Exposed(); got != tt.want {
			t.Errorf("Listen %q with %d users: Exposed() = %v, want %v", tt.cfg.Listen, len(tt.cfg.Users), got, tt.want)
		}
	}
}
