package conn

import (
	"context"
	"errors"
	"fmt"
	"github.com/infinitic-go/infinitic"
	"strings"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
)

// ClaimCustomID returns the id to start or join for a custom id: the id
// of the instance running under it, or newID once claimed with
// compare-and-set (so two racing callers agree on one instance).
func ClaimCustomID(ctx context.Context, st store.Store, workflow, customID, newID string) (string, error) {
	key := wire.CustomIDKey(workflow, customID)
	for {
		val, version, err := st.Get(ctx, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			version = 0
		case err != nil:
			return "", fmt.Errorf("custom id %q: %w", customID, err)
		default:
			running, err := running(ctx, st, workflow, string(val))
			if err != nil {
				return "", fmt.Errorf("custom id %q: %w", customID, err)
			}
			if running {
				return string(val), nil
			}
		}
		_, err = st.Put(ctx, key, []byte(newID), version)
		if err == nil {
			return newID, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return "", fmt.Errorf("custom id %q: %w", customID, err)
		}
	}
}

// running tells whether an instance runs, or is about to (claimed, but its
// dispatch not applied yet).
func running(ctx context.Context, st store.Store, workflow, id string) (bool, error) {
	data, _, err := st.Get(ctx, wire.StateKey(workflow, id))
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	s, err := wire.DecodeState(data)
	if err != nil {
		return false, err
	}
	return s.Status == wire.StatusRunning || s.Status == 0, nil
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
