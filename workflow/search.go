package workflow

// SetSearch sets a search field of the running instance: a typed value
// (a string, bool, integer, float or time.Time) that the instance index
// lists instances by, so that operators find them by business state, e.g.
// the orders of customer 42 that wait for a payment:
//
//	workflow.SetSearch(ctx, "customer", 42)
//	workflow.SetSearch(ctx, "stage", "awaiting-payment")
//
// and then admin.Filter{Search: ...}, `infinitic workflow list --search
// customer=42 --search stage=awaiting-payment`, or the dashboard. Setting
// a field again replaces its value; a nil value deletes it. The fields
// are saved with the step that set them and kept after the instance ends.
//
// Names are 1 to 64 bytes of [A-Za-z0-9_-]; an instance has at most
// infinitic.MaxSearchFields fields, and a string value at most
// infinitic.MaxSearchValue bytes. Breaking a limit returns a
// *infinitic.LimitError and sets nothing. Each field costs one store
// write per status change of the instance.
func SetSearch(ctx Context, name string, value any) error {
	co, err := from(ctx)
	if err != nil {
		return err
	}
	return co.Runtime().SetSearch(name, value)
}
