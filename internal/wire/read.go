package wire

import (
	"context"
	"errors"
	"fmt"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/store"
)

// ReadState reads the stored head of instance id of workflow; an id
// without state fails with infinitic.ErrInstanceNotFound.
func ReadState(ctx context.Context, st store.Store, workflow, id string) (*State, error) {
	data, _, err := st.Get(ctx, StateKey(workflow, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s %s", infinitic.ErrInstanceNotFound, workflow, id)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", workflow, id, err)
	}
	s, err := DecodeState(data)
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", workflow, id, err)
	}
	return s, nil
}

// ReadLog reads the whole log of a stored head: its sealed chunks, then
// its tail. A missing or undecodable chunk fails with an error matching
// infinitic.ErrWorkflowCorrupt; a store error is returned as it is (it may
// be transient).
func ReadLog(ctx context.Context, st store.Store, s *State) ([]Record, error) {
	log := make([]Record, 0, s.Sealed+len(s.Tail))
	for n := range s.Sealed / ChunkSize {
		data, _, err := st.Get(ctx, ChunkKey(s.Workflow, s.ID, n))
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: %s %s: chunk %d is missing", infinitic.ErrWorkflowCorrupt, s.Workflow, s.ID, n)
		}
		if err != nil {
			return nil, fmt.Errorf("%s %s: read chunk %d: %w", s.Workflow, s.ID, n, err)
		}
		c, err := DecodeChunk(data)
		if err != nil {
			return nil, fmt.Errorf("%w: %s %s: chunk %d: %w", infinitic.ErrWorkflowCorrupt, s.Workflow, s.ID, n, err)
		}
		log = append(log, c.Records...)
	}
	return append(log, s.Tail...), nil
}
