package replay

// Context is the value behind workflow.Context. Package workflow defines
// its Context type over this one (a conversion away), and the engine
// converts when it calls a workflow method, so the runtime hands user code
// a workflow.Context without importing package workflow or being wired to
// it at init. The zero Context is outside any workflow.
type Context struct{ co *Coroutine }

// Context returns the context of workflow code running on co.
func (co *Coroutine) Context() Context { return Context{co} }

// Coroutine returns the coroutine behind c, nil for the zero Context.
func (c Context) Coroutine() *Coroutine { return c.co }
