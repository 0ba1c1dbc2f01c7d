package e2e_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
)

func TestTaskFailureReachesClientWithCauseChain(t *testing.T) {
	env, impl := newEnv(t)
	_, err := client.Execute(testCtx(t), env.Client, Sums.ParentOfFailing, "abc")
	if err == nil {
		t.Fatal("expected an error")
	}
	var parent *infinitic.WorkflowFailedError
	if !errors.As(err, &parent) || parent.Method != "ParentOfFailing" {
		t.Fatalf("want parent WorkflowFailedError, got %#v", err)
	}
	var child *infinitic.WorkflowFailedError
	if !errors.As(parent.Cause, &child) || child.Method != "Failing" || child.ID == parent.ID {
		t.Fatalf("want child WorkflowFailedError as cause, got %#v", parent.Cause)
	}
	var task *infinitic.TaskFailedError
	if !errors.As(err, &task) {
		t.Fatalf("want TaskFailedError in chain, got %v", err)
	}
	if task.Service != "Calc" || task.Method != "Fail" || task.Attempt != 3 || len(task.Previous) != 2 {
		t.Fatalf("unexpected task failure %+v", task)
	}
	var remote *infinitic.RemoteError
	if !errors.As(err, &remote) || remote.Type != "*e2e_test.DeclinedError" || remote.Message != "declined with code 3" {
		t.Fatalf("unexpected remote error %#v", remote)
	}
	var declined DeclinedError
	if err := remote.DecodeFields(&declined); err != nil || declined.Code != 3 {
		t.Fatalf("fields not kept: %v %+v", err, declined)
	}
	if got := impl.calls.Load(); got != 3 {
		t.Fatalf("Fail ran %d times, want 3 (1 + 2 retries)", got)
	}
	if chain := infinitic.ErrorChain(err); strings.Count(chain, "\n") < 4 {
		t.Fatalf("chain too short:\n%s", chain)
	}
}
