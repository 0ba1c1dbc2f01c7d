package transporttest

import (
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

// inspectCases check transport.Inspector, for transports that implement
// it (others pass them: the interface is optional).
var inspectCases = []testCase{
	{"InspectCountsAndDeadLetters", func(e *env) {
		in, ok := e.tr.(transport.Inspector)
		if !ok {
			return
		}
		subj := e.subject("inspect")
		c := e.consume(subj, "g")
		msgs := e.msgs(subj, "m", 4)
		for _, m := range msgs { // apart: a transport may count messages published together as one
			e.publish(m)
		}
		ds := e.collect(c, 3, 3) // the fourth waits
		byID := map[string]transport.Delivery{}
		for _, d := range ds {
			byID[d.Message().ID] = d
		}
		if err := byID[msgs[0].ID].Ack(); err != nil {
			e.t.Fatal(err)
		}
		if err := byID[msgs[1].ID].DeadLetter("cannot decode: bad"); err != nil {
			e.t.Fatal(err)
		}
		want := transport.GroupInfo{Group: "g", Pending: 1, InFlight: 1, Acked: 2}
		var got transport.SubjectInfo
		for { // the broker's figures may lag behind the acknowledgements
			subjects, err := in.Inspect(e.ctx)
			if err != nil {
				e.t.Fatalf("Inspect: %v", err)
			}
			got = transport.SubjectInfo{}
			for _, s := range subjects {
				if s.Subject == subj {
					got = s
				}
			}
			if len(got.Groups) == 1 && sameFigures(got.Groups[0], want) && got.DeadLetters == 1 {
				break
			}
			if e.ctx.Err() != nil {
				e.t.Fatalf("Inspect: %s is %+v, want one dead letter and the group %+v", subj, got, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
		dls, err := in.InspectDeadLetters(e.ctx, subj, 10)
		if err != nil {
			e.t.Fatalf("InspectDeadLetters: %v", err)
		}
		if len(dls) != 1 || dls[0].Message.ID != msgs[1].ID || dls[0].Reason != "cannot decode: bad" || dls[0].Group != "g" ||
			string(dls[0].Message.Data) != string(msgs[1].Data) || dls[0].At.IsZero() {
			e.t.Errorf("InspectDeadLetters: %s", fmt.Sprintf("%+v", dls))
		}
	}},
}

// sameFigures compares the figures of a group that the case controls.
func sameFigures(got, want transport.GroupInfo) bool {
	return got.Group == want.Group && got.Pending == want.Pending && got.InFlight == want.InFlight && got.Acked == want.Acked
}
