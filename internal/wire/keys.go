package wire

import (
	"encoding/base64"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// Store keys. Workflow names are [A-Za-z0-9_-]; ids and tags are escaped
// with KeyToken.

// StateKey is the key of a workflow instance's head.
func StateKey(workflow, id string) string { return StatePrefix(workflow) + KeyToken(id) }

// StatePrefix is the prefix of the state keys of workflow's instances.
func StatePrefix(workflow string) string { return "state." + workflow + "." }

// ChunkKey is the key of the n-th sealed chunk of an instance's log.
func ChunkKey(workflow, id string, n int) string {
	return fmt.Sprintf("log.%s.%s.%d", workflow, KeyToken(id), n)
}

// TagPrefix is the prefix of the index keys of a tag.
func TagPrefix(workflow, tag string) string { return "tag." + workflow + "." + KeyToken(tag) + "." }

// TagKey is the index key saying that instance id has tag.
func TagKey(workflow, tag, id string) string { return TagPrefix(workflow, tag) + KeyToken(id) }

// KeyToken makes a user-provided string safe as one key token: strings of
// [A-Za-z0-9_-] are kept, others are base64url-encoded behind a "=".
func KeyToken(s string) string {
	plain := s != "" && len(s) <= 200
	for i := 0; plain && i < len(s); i++ {
		c := s[i]
		plain = c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	}
	if plain {
		return s
	}
	return "=" + base64.RawURLEncoding.EncodeToString([]byte(s))
}

// ParseKeyToken reverses KeyToken.
func ParseKeyToken(tok string) (string, error) {
	enc, ok := strings.CutPrefix(tok, "=")
	if !ok {
		return tok, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", fmt.Errorf("malformed key token %q: %w", tok, err)
	}
	return string(b), nil
}

// CustomIDKey is the key holding the id of the instance claimed by a
// custom id.
func CustomIDKey(workflow, customID string) string {
	return "custom." + workflow + "." + KeyToken(customID)
}

// customIDTagPrefix marks the tag that carries an instance's custom id.
const customIDTagPrefix = "customId:"

// CustomIDTag is the tag of an instance started with a custom id.
func CustomIDTag(customID string) string { return customIDTagPrefix + customID }

// CustomIDOf returns the custom id among an instance's tags, if any.
func CustomIDOf(tags []string) (string, bool) {
	for _, t := range tags {
		if c, ok := strings.CutPrefix(t, customIDTagPrefix); ok {
			return c, true
		}
	}
	return "", false
}

// The instance index lists the instances of a workflow by status, newest
// first, in several views: all of them, those with a tag (custom ids are
// tags), those with a value of a search field. Each view holds one key
// per instance: the view's prefix for its status, its start time
// reversed so that keys ascend from the newest, and its id. The state
// stays the truth: readers check it (see package admin).

// An IndexView is the prefix of one view of the index, before the status.
type IndexView string

// ViewAll lists every instance of workflow.
func ViewAll(workflow string) IndexView { return IndexView("index." + workflow + ".") }

// ViewTag lists the instances of workflow that have tag.
func ViewTag(workflow, tag string) IndexView {
	return IndexView("index-tag." + workflow + "." + KeyToken(tag) + ".")
}

// ViewSearch lists the instances of workflow whose search field has the
// value of token (a SearchToken), or, with token "", all those that have
// the field, ordered by its value.
func ViewSearch(workflow, field, token string) IndexView {
	if token == "" {
		return IndexView("index-search." + workflow + "." + field + ".")
	}
	return IndexView("index-search." + workflow + "." + field + "." + token + ".")
}

// IndexRoots are the prefixes under which all the index keys of workflow
// are: every view of each kind.
func IndexRoots(workflow string) []string {
	return []string{string(ViewAll(workflow)), "index-tag." + workflow + ".", "index-search." + workflow + "."}
}

// Prefix is the prefix of the view's keys of instances with status.
func (v IndexView) Prefix(status Status) string { return fmt.Sprintf("%s%d.", v, status) }

// IndexPrefix is the prefix of the index keys of workflow's instances
// with status.
func IndexPrefix(workflow string, status Status) string { return ViewAll(workflow).Prefix(status) }

// IndexTime is the key token of a start time in the index: newer times
// give smaller tokens (zero, for instances stored before format v2, sorts
// last).
func IndexTime(started time.Time) string {
	nanos := int64(0)
	if !started.IsZero() {
		nanos = max(0, started.UnixNano())
	}
	return fmt.Sprintf("%019d", math.MaxInt64-nanos)
}

// IndexKeys are the index keys of a stored state, one per view that
// lists it; none for a state that only holds early messages (not
// started).
func IndexKeys(st *State) []string {
	if st == nil || st.Status == 0 {
		return nil
	}
	views := []IndexView{ViewAll(st.Workflow)}
	for _, tag := range st.Tags {
		views = append(views, ViewTag(st.Workflow, tag))
	}
	for _, field := range slices.Sorted(maps.Keys(st.Search)) {
		views = append(views, ViewSearch(st.Workflow, field, st.Search[field]))
	}
	suffix := IndexTime(st.Started) + "." + KeyToken(st.ID)
	keys := make([]string, 0, len(views))
	for _, v := range views {
		if k := v.Prefix(st.Status) + suffix; !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// IndexValue is the value of an index key: when it was written, so that a
// repair never deletes an entry written just before its state (see
// admin.RepairIndex).
func IndexValue(written time.Time) []byte { return []byte(written.UTC().Format(time.RFC3339Nano)) }

// ParseIndexValue reverses IndexValue.
func ParseIndexValue(v []byte) (time.Time, error) { return time.Parse(time.RFC3339Nano, string(v)) }

// IndexID returns the instance id of an index key (its last token:
// tokens never hold a ".").
func IndexID(key string) (string, error) {
	i := strings.LastIndexByte(key, '.')
	if i < 0 || !strings.HasPrefix(key, "index") {
		return "", fmt.Errorf("malformed index key %q", key)
	}
	return ParseKeyToken(key[i+1:])
}
