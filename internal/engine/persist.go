package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
)

// ErrCorruptState marks a stored state or history chunk that cannot be
// decoded (or a chunk missing): only that workflow stops; its messages go
// to the dead-letter subject, and the callers waiting on them get this
// error.
var ErrCorruptState = infinitic.ErrWorkflowCorrupt

// load reads an instance from the store and rebuilds its runtime by
// replaying the whole history.
func (e *WorkflowEngine) load(ctx context.Context, id string) (*instance, error) {
	in := &instance{id: id}
	data, version, err := e.Store.Get(ctx, wire.StateKey(e.contract.Name, id))
	if errors.Is(err, store.ErrNotFound) {
		return in, nil
	}
	if err != nil {
		return nil, err
	}
	return e.decode(ctx, id, data, version)
}

// decode rebuilds an instance from its stored bytes at version.
func (e *WorkflowEngine) decode(ctx context.Context, id string, data []byte, version store.Version) (*instance, error) {
	in := &instance{id: id, stored: data}
	st, err := wire.DecodeState(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: %w", ErrCorruptState, e.contract.Name, id, err)
	}
	in.state, in.version, in.storedTail, in.indexed = st, version, len(st.Tail), wire.IndexKeys(st)
	if st.Status != wire.StatusRunning {
		return in, nil
	}
	log, err := e.readLog(ctx, st)
	if err != nil {
		return nil, err
	}
	if err := e.replay(in, log); err != nil {
		return nil, err
	}
	return in, nil
}

// readLog returns the full log: sealed chunks then the tail. A missing or
// undecodable chunk matches ErrCorruptState; a store error does not (the
// message is retried: the store may be back in a moment).
func (e *WorkflowEngine) readLog(ctx context.Context, st *wire.State) ([]wire.Record, error) {
	return wire.ReadLog(ctx, e.Store, st)
}

// replay rebuilds the runtime of a running instance from its log.
func (e *WorkflowEngine) replay(in *instance, log []wire.Record) error {
	var cmds []wire.Command
	for _, r := range log {
		if r.Command != nil {
			cmds = append(cmds, *r.Command)
		}
	}
	rt, err := e.newRuntime(in.state, cmds)
	if errors.Is(err, ErrUnknownVersion) {
		return err
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCorruptState, err)
	}
	in.rt = rt
	rt.SetReplaying(true)
	for _, r := range log {
		switch ev := r.Event; {
		case ev == nil:
		case ev.IsStart():
			rt.Start(ev)
		case ev.Signal != nil:
			rt.Signal(ev)
		case ev.Position == wire.CancelPosition:
			rt.Interrupt(ev)
		default:
			rt.Apply(ev)
		}
	}
	rt.SetReplaying(false)
	in.replayed = true
	return nil
}

// save writes the instance with compare-and-set. Before that, it seals old
// records into immutable chunks so that each write stays small. Only
// records already in the stored version are sealed: engines racing from the
// same version write identical chunks, whoever wins the head.
func (e *WorkflowEngine) save(ctx context.Context, in *instance) error {
	st := in.state
	if err := e.checkOutbox(st); err != nil {
		return err
	}
	for in.storedTail >= wire.ChunkSize && st.Status == wire.StatusRunning {
		n := st.Sealed / wire.ChunkSize
		data, err := wire.Marshal(&wire.Chunk{Records: st.Tail[:wire.ChunkSize]})
		if err != nil {
			return err
		}
		if err := e.checkStateSize(st, "history chunk", data); err != nil {
			return err
		}
		if err := e.putChunk(ctx, wire.ChunkKey(st.Workflow, st.ID, n), data); err != nil {
			return err
		}
		st.Tail = st.Tail[wire.ChunkSize:]
		st.Sealed += wire.ChunkSize
		in.storedTail -= wire.ChunkSize
	}
	data, err := wire.Marshal(st)
	if err != nil {
		return err
	}
	if err := e.checkStateSize(st, "state", data); err != nil {
		return err
	}
	// New tags and index entries are written before (or with) the state:
	// an entry without a running instance is harmless (operations on
	// finished instances are refused, admin.List skips it), a running
	// instance missing from the index would not be. Old entries are
	// deleted after the write. A finished instance that the store deletes
	// by itself gets its new entries with a time to live (its state gets
	// one once its outbox is published: expirePublished).
	now := e.Clock.Now()
	ttl := e.ttl(st, now)
	indexed := wire.IndexKeys(st)
	versions := make([]store.Version, len(indexed))
	var entries []store.Write
	for _, tag := range in.addTags {
		entries = append(entries, store.Write{Key: wire.TagKey(st.Workflow, tag, st.ID), Value: []byte(st.ID), Overwrite: true})
	}
	tags := len(entries)
	var added []int // the positions in indexed of entries[tags:]
	for i, key := range indexed {
		if j := slices.Index(in.indexed, key); j >= 0 {
			versions[i] = indexVersion(in, j)
			continue
		}
		entries = append(entries, store.Write{Key: key, Value: wire.IndexValue(now), Overwrite: true, TTL: ttl})
		added = append(added, i)
	}
	v, written, err := e.putState(ctx, wire.StateKey(st.Workflow, st.ID), data, in.version, entries)
	if err != nil {
		return err
	}
	for k, i := range added {
		versions[i] = written[tags+k]
	}
	in.version, in.storedTail, in.changed, in.stored, in.addTags = v, len(st.Tail), false, data, nil
	e.dropChunks(ctx, st, in.dropChunks)
	in.dropChunks = 0
	for _, tag := range in.dropTags {
		if err := e.deleteKey(ctx, wire.TagKey(st.Workflow, tag, st.ID)); err != nil {
			e.logger.Warn("cannot unindex tag", "workflow", st.Workflow, "id", st.ID, "tag", tag, "err", err)
		}
	}
	in.dropTags = nil
	in.stale = e.unindex(ctx, in, indexed)
	in.indexed, in.indexVersions = indexed, versions
	return nil
}

// putState writes entries (tags and index entries, each with a new
// version: see overwrite), then the state at key with compare-and-set,
// and returns the versions written. A store.Pipeliner sends them all at
// once; when an entry failed but the state is written (a connection lost,
// or a new stream leader, between the two), the entry is written again
// before the step goes on. If that fails too, or the engine stops first,
// the step's message is redelivered, and the load it causes writes the
// entries again (reindex).
func (e *WorkflowEngine) putState(ctx context.Context, key string, data []byte, expected store.Version, entries []store.Write) (store.Version, []store.Version, error) {
	p, pipelined := e.Store.(store.Pipeliner)
	if !pipelined || len(entries) == 0 {
		written := make([]store.Version, len(entries))
		for i, w := range entries {
			var err error
			if written[i], err = e.overwrite(ctx, w); err != nil {
				return 0, nil, err
			}
		}
		v, err := e.Store.Put(ctx, key, data, expected)
		return v, written, err
	}
	written, errs := p.Pipeline(ctx, append(entries, store.Write{Key: key, Value: data, Expected: expected}))
	last := len(entries)
	if errs[last] != nil {
		return 0, nil, errs[last]
	}
	for i, err := range errs[:last] {
		if err != nil {
			if written[i], err = e.overwrite(ctx, entries[i]); err != nil {
				return 0, nil, err
			}
		}
	}
	return written[last], written[:last], nil
}

// reindex writes again the tags and index entries of an instance loaded
// for a redelivered message: the step that took the message first may
// have written the state and not an entry (see putState).
func (e *WorkflowEngine) reindex(ctx context.Context, in *instance) error {
	st := in.state
	if st == nil {
		return nil
	}
	if st.Status == wire.StatusRunning {
		for _, tag := range st.Tags {
			if _, err := e.overwrite(ctx, store.Write{Key: wire.TagKey(st.Workflow, tag, st.ID), Value: []byte(st.ID)}); err != nil {
				return err
			}
		}
	}
	now := e.Clock.Now()
	ttl := e.ttl(st, now)
	in.indexVersions = make([]store.Version, len(in.indexed))
	for i, key := range in.indexed {
		var err error
		if in.indexVersions[i], err = e.overwrite(ctx, store.Write{Key: key, Value: wire.IndexValue(now), TTL: ttl}); err != nil {
			return err
		}
	}
	return nil
}

// overwrite writes w.Value at w.Key with a new version (and w.TTL), even
// over a value still there: a step that made an index entry stale deletes
// it only at the version it knows (see unindex), which must not remove
// the entry this write needs.
func (e *WorkflowEngine) overwrite(ctx context.Context, w store.Write) (store.Version, error) {
	if w.TTL > 0 {
		w.Overwrite = true
		versions, errs := e.Store.(store.Pipeliner).Pipeline(ctx, []store.Write{w})
		return versions[0], errs[0]
	}
	key, value := w.Key, w.Value
	var expected store.Version
	for {
		v, err := e.Store.Put(ctx, key, value, expected)
		if !errors.Is(err, store.ErrConflict) {
			return v, err
		}
		if _, expected, err = e.Store.Get(ctx, key); err != nil && !errors.Is(err, store.ErrNotFound) {
			return 0, err
		}
	}
}

// indexVersion is the version of in.indexed[i] if known, else 0.
func indexVersion(in *instance, i int) store.Version {
	if i < len(in.indexVersions) {
		return in.indexVersions[i]
	}
	return 0
}

// staleEntry is an index entry that no stored state holds any more, at
// the version this engine wrote it.
type staleEntry struct {
	key     string
	version store.Version
}

// unindex deletes the index keys of in.indexed that keep does not hold
// (best effort: readers skip entries that disagree with the state, and
// admin.RepairIndex removes them). The entries whose version this engine
// wrote are returned instead, to delete once the step's messages are
// published (deleteStale): deleted at that version only, they cannot
// remove an entry written again since (overwrite). The others are deleted
// now, whatever their version: before the step's messages, nothing can
// have written them again for a later step.
func (e *WorkflowEngine) unindex(ctx context.Context, in *instance, keep []string) []staleEntry {
	st := in.state
	var stale []staleEntry
	for i, key := range in.indexed {
		if slices.Contains(keep, key) {
			continue
		}
		if v := indexVersion(in, i); v != 0 {
			stale = append(stale, staleEntry{key, v})
			continue
		}
		if err := e.deleteKey(ctx, key); err != nil {
			e.logger.Warn("cannot unindex instance", "workflow", st.Workflow, "id", st.ID, "key", key, "err", err)
		}
	}
	return stale
}

// deleteStale deletes stale index entries at their version; an entry
// written again since (a conflict) is left alone.
func (e *WorkflowEngine) deleteStale(ctx context.Context, stale []staleEntry) {
	for _, s := range stale {
		if err := e.Store.Delete(ctx, s.key, s.version); err != nil && !errors.Is(err, store.ErrConflict) {
			e.logger.Warn("cannot unindex instance", "key", s.key, "err", err)
		}
	}
}

// putChunk writes a chunk whatever was there (a crashed attempt may have
// written the same content already).
func (e *WorkflowEngine) putChunk(ctx context.Context, key string, data []byte) error {
	for {
		_, v, err := e.Store.Get(ctx, key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if _, err = e.Store.Put(ctx, key, data, v); !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
}

// deleteKey deletes key whatever its version.
func (e *WorkflowEngine) deleteKey(ctx context.Context, key string) error {
	_, v, err := e.Store.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return e.Store.Delete(ctx, key, v)
}

// dropChunks deletes the first n history chunks of an instance (best
// effort: a leftover chunk is garbage, never read).
func (e *WorkflowEngine) dropChunks(ctx context.Context, st *wire.State, n int) {
	for i := range n {
		if err := e.deleteKey(ctx, wire.ChunkKey(st.Workflow, st.ID, i)); err != nil {
			e.logger.Warn("cannot delete history chunk", "workflow", st.Workflow, "id", st.ID, "chunk", i, "err", err)
		}
	}
}
