package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
)

// claimCustomID returns the id to start or join for a custom id: the id
// of the instance running under it, or newID once claimed with
// compare-and-set (so two racing callers agree on one instance).
func (c *Client) claimCustomID(ctx context.Context, workflow, customID, newID string) (string, error) {
	if c.cfg.Store == nil {
		return "", errors.New("client: Config.Store is required for custom ids")
	}
	key := wire.CustomIDKey(workflow, customID)
	for {
		val, version, err := c.cfg.Store.Get(ctx, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			version = 0
		case err != nil:
			return "", fmt.Errorf("client: custom id %q: %w", customID, err)
		default:
			running, err := c.running(ctx, workflow, string(val))
			if err != nil {
				return "", fmt.Errorf("client: custom id %q: %w", customID, err)
			}
			if running {
				return string(val), nil
			}
		}
		_, err = c.cfg.Store.Put(ctx, key, []byte(newID), version)
		if err == nil {
			return newID, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return "", fmt.Errorf("client: custom id %q: %w", customID, err)
		}
	}
}

// running tells whether an instance runs, or is about to (claimed, but its
// dispatch not applied yet).
func (c *Client) running(ctx context.Context, workflow, id string) (bool, error) {
	data, _, err := c.cfg.Store.Get(ctx, wire.StateKey(workflow, id))
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
