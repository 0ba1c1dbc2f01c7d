package conn

import (
	"context"
	"fmt"
	"github.com/infinitic-go/infinitic"
	"strings"

	"github.com/infinitic-go/infinitic/internal/customid"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
)

// ClaimCustomID returns the id to start or join for a custom id: the id
// of the instance running under it, or newID once claimed with
// compare-and-set (so two racing callers agree on one instance).
func ClaimCustomID(ctx context.Context, st store.Store, workflow, customID, newID string) (string, error) {
	return customid.Claim(ctx, st, workflow, customID, newID)
}

// tagPage is how many ids a tag operation reads from the store at once.
const tagPage = 1000

// EachTagged calls fn with the id of each running instance of workflow
// tagged tag (from the engines' tag index), a page at a time.
func EachTagged(ctx context.Context, st store.Store, workflow, tag string, fn func(id string) error) error {
	if err := wire.CheckID("tag", tag, infinitic.MaxIDLength); err != nil {
		return err
	}
	prefix := wire.TagPrefix(workflow, tag)
	for after := ""; ; {
		keys, err := st.Keys(ctx, prefix, after, tagPage)
		if err != nil {
			return fmt.Errorf("list tag %q of %s: %w", tag, workflow, err)
		}
		for _, k := range keys {
			id, err := wire.ParseKeyToken(strings.TrimPrefix(k, prefix))
			if err != nil {
				return fmt.Errorf("tag index of %s: %w", workflow, err)
			}
			if err := fn(id); err != nil {
				return err
			}
		}
		if len(keys) < tagPage {
			return nil
		}
		after = keys[len(keys)-1]
	}
}
