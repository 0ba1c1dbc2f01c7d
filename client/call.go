package client

import "github.com/infinitic-go/infinitic/workflow"

// Call is a start of a workflow's method, resolved to its wire names,
// with its argument encoded by the client's codec: what a schedule
// starts at each of its slots (package schedule). Tools that name
// workflows by string build it directly; Input is then the argument as
// the workers' codec encodes it (JSON by default).
type Call struct {
	Workflow string `json:"workflow"`
	Method   string `json:"method"`
	Input    []byte `json:"input,omitempty"`
}

// NewCall resolves method (a method expression of a workflow contract)
// and encodes in, without starting anything.
func NewCall[W, I, O any](c *Client, method func(W, workflow.Context, I) (O, error), in I) (Call, error) {
	m, err := c.methodCall(method, in, true)
	return Call{Workflow: m.workflow, Method: m.method, Input: m.input}, err
}

// NewCall0 is NewCall for a method without argument.
func NewCall0[W, O any](c *Client, method func(W, workflow.Context) (O, error)) (Call, error) {
	m, err := c.methodCall(method, nil, false)
	return Call{Workflow: m.workflow, Method: m.method, Input: m.input}, err
}
