package wire

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Store keys. Workflow names are [A-Za-z0-9_-]; ids and tags are escaped
// with KeyToken.

// StateKey is the key of a workflow instance's head.
func StateKey(workflow, id string) string { return "state." + workflow + "." + KeyToken(id) }

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
