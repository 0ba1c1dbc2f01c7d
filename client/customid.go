package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/infinitic-go/infinitic/internal/customid"
)

// claimCustomID returns the id to start or join for a custom id: the id
// of the instance running under it, or newID once claimed with
// compare-and-set (so two racing callers agree on one instance).
func (c *Client) claimCustomID(ctx context.Context, workflow, customID, newID string) (string, error) {
	if c.cfg.Store == nil {
		return "", errors.New("client: Config.Store is required for custom ids")
	}
	id, err := customid.Claim(ctx, c.cfg.Store, workflow, customID, newID)
	if err != nil {
		return "", fmt.Errorf("client: %w", err)
	}
	return id, nil
}
