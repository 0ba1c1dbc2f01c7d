// Package customid keeps the rule "at most one running instance per custom
// id" (Infinitic's unique customId tag), shared by the client that starts
// instances and the engine that retries or deletes them.
//
// The key wire.CustomIDKey(workflow, customID) holds the id of the
// instance that owns the custom id. An owner holds it while it runs, or
// while it is about to (claimed, its state not written yet); a finished
// owner (completed, canceled or failed) holds it no more. Every claim is a
// compare-and-set write, even a claim by the current owner, so that two
// claimers racing from one read cannot both win.
package customid

import (
	"context"
	"errors"
	"fmt"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
)

// Claim makes id the owner of customID unless another instance that runs
// (or is about to) owns it, and returns the owner: id, or the other one.
func Claim(ctx context.Context, s store.Store, workflow, customID, id string) (string, error) {
	key := wire.CustomIDKey(workflow, customID)
	for {
		val, version, err := s.Get(ctx, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			version = 0
		case err != nil:
			return "", fmt.Errorf("custom id %q: %w", customID, err)
		case string(val) != id:
			running, err := Running(ctx, s, workflow, string(val))
			if err != nil {
				return "", fmt.Errorf("custom id %q: %w", customID, err)
			}
			if running {
				return string(val), nil
			}
		}
		_, err = s.Put(ctx, key, []byte(id), version)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return "", fmt.Errorf("custom id %q: %w", customID, err)
		}
	}
}

// Release frees customID if id owns it: called before the finished
// instance id is deleted, so that its custom id never names an instance
// that no longer exists (which would look like one about to start).
func Release(ctx context.Context, s store.Store, workflow, customID, id string) error {
	key := wire.CustomIDKey(workflow, customID)
	for {
		val, version, err := s.Get(ctx, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil
		case err != nil:
			return fmt.Errorf("custom id %q: %w", customID, err)
		case string(val) != id:
			return nil // owned by a newer instance
		}
		if err := s.Delete(ctx, key, version); !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
}

// Running tells whether instance id runs, or is about to (no state yet,
// or one that only holds early messages).
func Running(ctx context.Context, s store.Store, workflow, id string) (bool, error) {
	data, _, err := s.Get(ctx, wire.StateKey(workflow, id))
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	st, err := wire.DecodeState(data)
	if err != nil {
		return false, err
	}
	return st.Status == wire.StatusRunning || st.Status == 0, nil
}
