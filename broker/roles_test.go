package broker_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/infinitic-go/infinitic/broker"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

func TestRolePermissions(t *testing.T) {
	custom := broker.Config{Transport: natsjs.Config{Prefix: "shop", Stream: "SHOP"}, Store: natskv.Config{Bucket: "orders"}}
	tests := []struct {
		name        string
		role        broker.Role
		cfg         broker.Config
		services    []string
		may, mayNot []string // subjects published
		wantErr     string
	}{
		{name: "client", role: broker.RoleClient,
			may: []string{"inf.m.wf.Checkout.3", "$JS.API.STREAM.INFO.INFINITIC", "$JS.API.CONSUMER.MSG.NEXT.INFINITIC.c1",
				"$JS.API.DIRECT.GET.KV_infinitic.$KV.infinitic.tag.x", "inf.dlq.client.c-1", "$JS.ACK.INFINITIC.c1.1.2.3.4.5.6", "_INFINITIC.sync"},
			mayNot: []string{"inf.m.wfi.Checkout.3", "inf.m.client.c-2.0", "inf.m.svc.Payments.1", "inf.m.cancel.Payments.1",
				"inf.s.0123", "$KV.infinitic.state.Checkout.w1", "$JS.API.STREAM.UPDATE.INFINITIC", "$JS.API.STREAM.PURGE.KV_infinitic",
				"$JS.API.STREAM.DELETE.INFINITIC", "$JS.API.STREAM.MSG.DELETE.KV_infinitic", "$JS.API.STREAM.CREATE.EVIL", "inf.dlq.wf.Checkout"}},
		{name: "service", role: broker.RoleService, services: []string{"Payments"},
			may: []string{"inf.m.wfi.Checkout.3", "inf.m.svc.Payments.1", "inf.s.0123", "inf.dlq.svc.Payments", "inf.dlq.cancel.Payments", "_INFINITIC.sync"},
			mayNot: []string{"inf.m.wf.Checkout.3", "inf.m.svc.Other.1", "inf.m.client.c-2.0", "$KV.infinitic.state.Checkout.w1",
				"$JS.API.STREAM.UPDATE.KV_infinitic", "inf.dlq.svc.Other"}},
		{name: "worker", role: broker.RoleWorker,
			may:    []string{"inf.m.wfi.Checkout.3", "inf.m.client.c-2.0", "$KV.infinitic.state.Checkout.w1", "$JS.API.STREAM.CREATE.INFINITIC", "_INFINITIC.sync"},
			mayNot: []string{"$KV.other.x", "other.subject"}},
		{name: "custom names", role: broker.RoleClient, cfg: custom,
			may:    []string{"shop.m.wf.Checkout.3", "$JS.API.STREAM.INFO.SHOP", "$JS.API.STREAM.INFO.SHOP_DLQ", "$JS.API.DIRECT.GET.KV_orders"},
			mayNot: []string{"inf.m.wf.Checkout.3", "$JS.API.STREAM.INFO.INFINITIC", "$KV.orders.x"}},
		{name: "unknown role", role: "admin", wantErr: `unknown role "admin"`},
		{name: "service without services", role: broker.RoleService, wantErr: "needs the services"},
		{name: "services of a client", role: broker.RoleClient, services: []string{"Payments"}, wantErr: "RoleService only"},
		{name: "invalid service name", role: broker.RoleService, services: []string{"a.>"}, wantErr: `service "a.>"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := broker.RolePermissions(tt.role, tt.cfg, tt.services...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			allowed := func(subject string) bool {
				return slices.ContainsFunc(p.Publish, func(f string) bool { return server.SubjectMatchesFilter(subject, f) })
			}
			for _, s := range tt.may {
				if !allowed(s) {
					t.Errorf("%s may not publish to %s: %s", tt.role, s, p)
				}
			}
			for _, s := range tt.mayNot {
				if allowed(s) {
					t.Errorf("%s may publish to %s", tt.role, s)
				}
			}
			if !slices.Equal(p.Subscribe, []string{"_INBOX.>"}) {
				t.Errorf("subscribe %q, want only the inboxes", p.Subscribe)
			}
		})
	}
}
