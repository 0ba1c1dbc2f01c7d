package conn

import (
	"context"
	"fmt"
	"strings"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
)

// keyPage is how many keys a listing reads from the store at once.
const keyPage = 1000

// EachKey calls fn with each key under prefix, in order, a page at a time.
func EachKey(ctx context.Context, st store.Store, prefix string, fn func(key string) error) error {
	for after := ""; ; {
		keys, err := st.Keys(ctx, prefix, after, keyPage)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := fn(k); err != nil {
				return err
			}
		}
		if len(keys) < keyPage {
			return nil
		}
		after = keys[len(keys)-1]
	}
}

// EachTagged calls fn with the id of each running instance of workflow
// tagged tag (from the engines' tag index).
func EachTagged(ctx context.Context, st store.Store, workflow, tag string, fn func(id string) error) error {
	if err := wire.CheckID("tag", tag, infinitic.MaxIDLength); err != nil {
		return err
	}
	prefix := wire.TagPrefix(workflow, tag)
	return EachKey(ctx, st, prefix, func(k string) error {
		id, err := wire.ParseKeyToken(strings.TrimPrefix(k, prefix))
		if err != nil {
			return fmt.Errorf("tag index of %s: %w", workflow, err)
		}
		return fn(id)
	})
}
