package workflow

import "fmt"

// Inline runs fn once, records its result in the history, and returns the
// recorded result on every replay. Use it for short non-deterministic code
// (reading a config, generating an id); anything slow or fallible belongs in
// a service task. The result must be encodable by the codec.
//
// fn must not call the workflow API (Call, Dispatch, Sleep, Async, Await,
// channels, Rand, Inline...): such a call fails the instance with
// infinitic.ErrInvalidInline, as its commands would be recorded at the
// wrong positions of the history. Fix the code, then RetryWorkflowTask.
func Inline[T any](ctx Context, fn func() (T, error)) (T, error) {
	var zero T
	co, err := from(ctx)
	if err != nil {
		return zero, err
	}
	codec := co.Runtime().Codec()
	out, err := co.Inline(func() ([]byte, error) {
		v, err := fn()
		if err != nil {
			return nil, err
		}
		b, merr := codec.Marshal(v)
		if merr != nil {
			return nil, fmt.Errorf("encode inline result %T: %w", v, merr)
		}
		return b, nil
	})
	if err != nil {
		return zero, err
	}
	v, err := decoder[T](codec, nil)(out)
	if err != nil {
		return zero, err
	}
	return v.(T), nil
}
