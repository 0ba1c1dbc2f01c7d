package wire

import (
	"errors"
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic"
)

func TestCheckLimits(t *testing.T) {
	big := make([]byte, infinitic.MaxPayloadSize+1)
	tags := make([]string, infinitic.MaxTags+1)
	for i := range tags {
		tags[i] = strings.Repeat("t", i+1)
	}
	dispatch := func(id string, d Dispatch) *Envelope {
		return &Envelope{Kind: KindDispatch, WorkflowID: id, Workflow: "W", Dispatch: &d}
	}
	cases := []struct {
		name  string
		env   *Envelope
		limit string // "": within the limits
	}{
		{"plain", dispatch("id", Dispatch{Method: "M", Input: []byte(`1`), Tags: []string{"a"}}), ""},
		{"id at the wire limit", dispatch(strings.Repeat("i", MaxWireIDLength), Dispatch{Method: "M"}), ""},
		{"id over the wire limit", dispatch(strings.Repeat("i", MaxWireIDLength+1), Dispatch{Method: "M"}), "MaxIDLength"},
		{"id with a control character", dispatch("a\tb", Dispatch{Method: "M"}), "IDCharacters"},
		{"id not UTF-8", dispatch("a\xc3", Dispatch{Method: "M"}), "IDCharacters"},
		{"long tag", dispatch("id", Dispatch{Method: "M", Tags: []string{strings.Repeat("t", infinitic.MaxIDLength+1)}}), "MaxIDLength"},
		{"too many tags", dispatch("id", Dispatch{Method: "M", Tags: tags}), "MaxTags"},
		{"large input", dispatch("id", Dispatch{Method: "M", Input: big}), "MaxPayloadSize"},
		{"large metadata", dispatch("id", Dispatch{Method: "M", Meta: map[string]string{"k": string(big)}}), "MaxPayloadSize"},
		{"large signal", &Envelope{Kind: KindSignal, WorkflowID: "id", Workflow: "W", Signal: &Signal{ID: "s", Channel: "c", Payload: big}}, "MaxPayloadSize"},
		{"large task input", &Envelope{Kind: KindExecute, WorkflowID: "id", Workflow: "W", Execute: &Execute{Input: big}}, "MaxPayloadSize"},
		{"large completion", &Envelope{Kind: KindCompleted, WorkflowID: "id", Workflow: "W", Completed: &Completed{Output: big}}, "MaxPayloadSize"},
		{"large result", &Envelope{Kind: KindResult, WorkflowID: "id", Workflow: "W", Result: &Result{Output: big}}, "MaxPayloadSize"},
	}
	for _, c := range cases {
		err := c.env.CheckLimits()
		var le *infinitic.LimitError
		switch {
		case c.limit == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.limit != "" && (!errors.As(err, &le) || le.Limit != c.limit || !errors.Is(err, infinitic.ErrLimitExceeded)):
			t.Errorf("%s: want a LimitError for %s, got %v", c.name, c.limit, err)
		}
	}
}

// Envelopes whose consequences could not be published do not decode.
func TestUnroutableEnvelopes(t *testing.T) {
	for name, e := range map[string]*Envelope{
		"execute without parent": {Kind: KindExecute, Execute: &Execute{TaskID: "t", Service: "S", Method: "M"}},
		"waiter not a token":     {Kind: KindDispatch, WorkflowID: "id", Workflow: "W", Dispatch: &Dispatch{Method: "M", Waiter: "a b"}},
		"wait without client":    {Kind: KindWait, WorkflowID: "id", Workflow: "W", Wait: &Wait{}},
		"reply-to not a token":   {Kind: KindSignal, WorkflowID: "id", Workflow: "W", Signal: &Signal{ID: "s", Channel: "c", ReplyTo: "x.y"}},
		"parent not a name":      {Kind: KindDispatch, WorkflowID: "id", Workflow: "W", Dispatch: &Dispatch{Method: "M", Parent: &ParentRef{WorkflowID: "p", Workflow: "a.b"}}},
	} {
		data, err := Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeEnvelope(data); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}
