package wire

import (
	"testing"
	"time"
)

// TestMessageIDs pins every message id format byte for byte: a change
// breaks exactly-once for the messages in flight across an upgrade (see
// ids.go). Change a row only with a migration plan.
func TestMessageIDs(t *testing.T) {
	p := ParentRef{WorkflowID: "p-1", Workflow: "P", Position: 3, Gen: 2}
	for _, c := range []struct{ got, want string }{
		{StartID("u-1"), "s:u-1"},
		{WaitID("w-1", "c-1", "u-1"), "w:w-1:c-1:u-1"},
		{QueryID("u-1"), "q:u-1"},
		{SignalID("u-1"), "g:u-1"},
		{SignalWithStartID("w-1", "u-1"), "gs:w-1:u-1"},
		{StartedBySignalID("w-1:7"), "abe61a28-252e-55c9-af91-7c8f3155da1e"},
		{SentSignalID("w-1", 0, 7), "w-1:7"},
		{SentSignalID("w-1", 2, 7), "w-1:r2:7"},
		{CancelID("u-1"), "k:u-1"},
		{CancelTaskID("W/w-1/4/0"), "kt:W/w-1/4/0"},
		{AdminID("u-1"), "a:u-1"},
		{ExpireID("w-1", "u-1"), "e:w-1:u-1"},
		{ExpireRequest("w-1"), "e:w-1"},
		{TimeoutID("w-1", "u-1"), "t:w-1:u-1"},
		{ChildDispatchID("w-1.5", 1), "d:w-1.5:1"},
		{ChildID("w-1", 0, 5), "w-1.5"},
		{ChildID("w-1", 3, 5), "w-1.r3.5"},
		{ScheduleRunID("nightly", time.Date(2026, 12, 1, 3, 0, 0, 0, time.FixedZone("CET", 3600))), "nightly/2026-12-01T02:00:00Z"},
		{ScheduleTriggerID("nightly", "u-1"), "nightly/trigger-u-1"},
		{ExecuteID("W/w-1/4/0", 2), "x:W/w-1/4/0:2"},
		{CompletedID("w-1", 4, 0), "c:w-1:4:0"},
		{OutcomeID("x:W/w-1/4/0:2"), "c|x:W/w-1/4/0:2"},
		{ReplyID("u-1"), "y:u-1"},
		{ResultID("w-1", "", "c-1", 0), "r:w-1::c-1:0"},
		{ResultID("w-1", "run-1", "c-1", 2), "r:w-1:run-1:c-1:2"},
		{AnswerID("w-1", "", "c-1", "u-1"), "r:w-1::c-1:late:u-1"},
		{AgainID(p, "3"), "c:p-1:3:2:again:3"},
		{RetryID("d:w-1.5:0", 1), "d:w-1.5:0:retry1"},
		{TaskID("W", "w-1", 4, 0), "W/w-1/4/0"},
		{WorkflowSubject("W"), "wf.W"},
		{WorkflowInternalSubject("W"), "wfi.W"},
		{ServiceSubject("S"), "svc.S"},
		{CancelSubject("S"), "cancel.S"},
		{ClientSubject("c-1"), "client.c-1"},
		{EngineGroup, "engine"},
		{ExecutorGroup, "executor"},
		{SyncSubject, "_INFINITIC.sync"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestMessages checks that each builder addresses its envelope with the
// matching id, subject and key.
func TestMessages(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	p := ParentRef{WorkflowID: "p-1", Workflow: "P", Position: 3, Gen: 2}
	ex := &Execute{TaskID: "P/p-1/3/2", Service: "S", Method: "M", Attempt: 2, Parent: p}
	for _, c := range []struct {
		name                 string
		m                    Message
		id, subject, key     string
		kind                 Kind
		workflowID, workflow string
	}{
		{"start", StartMessage("W", "w-1", &Dispatch{Method: "M", Request: "u-1"}), "s:u-1", "wf.W", "w-1", KindDispatch, "w-1", "W"},
		{"child", ChildMessage("C", "p-1.3", 1, &Dispatch{Method: "M", Parent: &p}), "d:p-1.3:2", "wfi.C", "p-1.3", KindDispatch, "p-1.3", "C"},
		{"wait", WaitMessage("W", "w-1", &Wait{Client: "c-1", Request: "u-1"}), "w:w-1:c-1:u-1", "wf.W", "w-1", KindWait, "w-1", "W"},
		{"query", QueryMessage("W", "w-1", &Query{ID: "u-1", Method: "Get", ReplyTo: "c-1"}), "q:u-1", "wf.W", "w-1", KindQuery, "w-1", "W"},
		{"signal with start", SignalWithStartMessage("W", "w-1", &Dispatch{Method: "M", Signal: &Signal{ID: "u-1", Channel: "ch"}}), "gs:w-1:u-1", "wf.W", "w-1", KindDispatch, "w-1", "W"},
		{"signal", SignalMessage("W", "w-1", &Signal{ID: "u-1", Channel: "ch"}), "g:u-1", "wf.W", "w-1", KindSignal, "w-1", "W"},
		{"cancel", CancelMessage("W", "w-1", &Cancel{ID: "u-1"}), "k:u-1", "wf.W", "w-1", KindCancel, "w-1", "W"},
		{"child cancel", ChildCancelMessage("C", "p-1.3", "parent canceled"), "k:p-1.3", "wf.C", "p-1.3", KindCancel, "p-1.3", "C"},
		{"admin", AdminMessage("W", "w-1", &Admin{ID: "u-1", Op: AdminRetryTasks}), "a:u-1", "wf.W", "w-1", KindAdmin, "w-1", "W"},
		{"expire", ExpireMessage("W", "w-1", "u-1", at), "e:w-1:u-1", "wfi.W", "w-1", KindAdmin, "w-1", "W"},
		{"timeout", TimeoutMessage("W", "w-1", "u-1", at), "t:w-1:u-1", "wfi.W", "w-1", KindAdmin, "w-1", "W"},
		{"completed", CompletedMessage(p, []byte(`1`), nil), "c:p-1:3:2", "wfi.P", "p-1", KindCompleted, "p-1", "P"},
		{"child outcome", ChildOutcomeMessage(p, 0, []byte(`1`), nil), "c:p-1:3:2", "wfi.P", "p-1", KindCompleted, "p-1", "P"},
		{"retried child outcome", ChildOutcomeMessage(p, 4, []byte(`1`), nil), "c:p-1:3:2:retry4", "wfi.P", "p-1", KindCompleted, "p-1", "P"},
		{"child retry", ChildRetryMessage("C", "p-1.3", 5), "a:child:p-1.3:retry5", "wf.C", "p-1.3", KindAdmin, "p-1.3", "C"},
		{"execute", ExecuteMessage(ex, at), "x:P/p-1/3/2:2", "svc.S", "p-1", KindExecute, "p-1", "P"},
		{"cancel task", CancelTaskMessage("P", "p-1", "S", "P/p-1/3/2"), "kt:P/p-1/3/2", "cancel.S", "p-1", KindCancel, "p-1", "P"},
		{"reply", ReplyMessage("c-1", "u-1", nil, nil), "y:u-1", "client.c-1", "u-1", KindReply, "", ""},
		{"result", ResultMessage("W", "w-1", "c-1", ResultID("w-1", "", "c-1", 0), &Result{}), "r:w-1::c-1:0", "client.c-1", "w-1", KindResult, "w-1", "W"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, err := c.m.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if o.ID != c.id || o.Subject != c.subject || o.Key != c.key {
				t.Errorf("id, subject, key = %q, %q, %q; want %q, %q, %q", o.ID, o.Subject, o.Key, c.id, c.subject, c.key)
			}
			env, err := DecodeEnvelope(o.Data)
			if err != nil {
				t.Fatalf("the envelope does not decode: %v", err)
			}
			if env.Kind != c.kind || env.WorkflowID != c.workflowID || env.Workflow != c.workflow {
				t.Errorf("envelope %s %q %q, want %s %q %q", env.Kind, env.WorkflowID, env.Workflow, c.kind, c.workflowID, c.workflow)
			}
		})
	}
}
