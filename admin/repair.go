package admin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/infinitic-go/infinitic/internal/conn"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
)

// Repair tells what RepairIndex changed.
type Repair struct {
	Instances int `json:"instances"` // stored instances seen
	Added     int `json:"added"`     // index entries written for instances missing from the index
	Removed   int `json:"removed"`   // stale index entries deleted
}

// RepairIndex makes the instance index of workflow match its stored
// states: it indexes every instance missing from the index (instances
// stored before the index existed, or after a failed index write) and
// deletes the entries that no state backs (left over by a crash between
// the two writes). It scans every state of the workflow: run it after an
// upgrade or an incident, not routinely. Entries written less than grace
// ago are kept (their state's write may still be on its way); grace <= 0
// means one minute.
func (a *Admin) RepairIndex(ctx context.Context, workflow string, grace time.Duration) (Repair, error) {
	if err := names(workflow); err != nil {
		return Repair{}, err
	}
	if grace <= 0 {
		grace = time.Minute
	}
	var r Repair
	statePrefix := wire.StatePrefix(workflow)
	err := conn.EachKey(ctx, a.st, statePrefix, func(key string) error {
		data, _, err := a.st.Get(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		st, err := wire.DecodeState(data)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		r.Instances++
		for _, ik := range wire.IndexKeys(st) {
			_, err := a.st.Put(ctx, ik, wire.IndexValue(time.Now()), 0)
			switch {
			case err == nil:
				r.Added++
			case !errors.Is(err, store.ErrConflict):
				return err
			}
		}
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("admin: repair index of %s: %w", workflow, err)
	}
	for _, root := range wire.IndexRoots(workflow) {
		err := conn.EachKey(ctx, a.st, root, func(key string) error {
			st, err := a.candidate(ctx, workflow, key)
			if err != nil || st != nil {
				return err
			}
			value, version, err := a.st.Get(ctx, key)
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			if written, err := wire.ParseIndexValue(value); err == nil && time.Since(written) < grace {
				return nil
			}
			if err := a.st.Delete(ctx, key, version); err != nil && !errors.Is(err, store.ErrConflict) {
				return err
			}
			r.Removed++
			return nil
		})
		if err != nil {
			return r, fmt.Errorf("admin: repair index of %s: %w", workflow, err)
		}
	}
	return r, nil
}
