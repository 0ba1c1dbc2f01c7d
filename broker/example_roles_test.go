package broker_test

import (
	"fmt"

	"github.com/infinitic-go/infinitic/broker"
)

// RolePermissions gives the subject permissions of a role, to paste into
// the configuration of a nats-server of your own (`infinitic server
// --users` applies them itself).
func ExampleRolePermissions() {
	p, err := broker.RolePermissions(broker.RoleService, broker.Config{}, "Greeter")
	if err != nil {
		panic(err)
	}
	for _, s := range p.Publish[len(p.Publish)-6:] { // what a service adds to a client's reads
		fmt.Println(s)
	}
	// Output:
	// inf.m.wfi.>
	// inf.s.>
	// inf.log.events.>
	// inf.m.svc.Greeter.*
	// inf.dlq.svc.Greeter
	// inf.dlq.cancel.Greeter
}
