package replay

import "fmt"

// ContinueAsNew is the error a workflow's main method returns to restart
// its instance with Method and Input and an empty history (see
// workflow.ContinueAsNew): the engine carries it out instead of ending the
// instance.
type ContinueAsNew struct {
	Method string
	Input  []byte
}

func (c *ContinueAsNew) Error() string {
	return fmt.Sprintf("continue as new with method %s (an error only when not returned by the main method)", c.Method)
}
