package infinitic

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
)

// Key is an AES key of EncryptedCodec, named by an id that travels with
// each payload it encrypts.
type Key struct {
	// ID names the key in the payloads (1 to 255 bytes, say "2026-12").
	// Never reuse an id for another secret.
	ID string
	// Secret is the AES key: 16, 24 or 32 bytes (AES-128, -192, -256).
	Secret []byte
}

// ErrDecrypt is matched (errors.Is) by the errors of an EncryptedCodec
// that cannot decrypt a payload: unknown key id, wrong secret, altered or
// unencrypted data.
var ErrDecrypt = errors.New("infinitic: cannot decrypt payload")

// encryptedMagic starts every payload of EncryptedCodec (a byte that
// starts neither JSON nor a variant mark), then its format version.
var encryptedMagic = []byte("\xffAG\x01")

// EncryptedCodec returns a Codec that encrypts with AES-GCM what inner
// encodes, so that the broker and the stores hold only ciphertext for
// user payloads: workflow and method inputs and outputs, task inputs and
// results, channel values. Names, ids, tags, custom ids, meta, error
// messages and the history's structure stay readable by the broker's
// users.
//
// Each payload carries the id of the key that encrypted it: current
// encrypts, and any of current and old decrypts. To rotate, deploy a new
// current key with the previous one among old everywhere; payloads
// written before stay readable as long as their key is given. Clients
// and workers must all know every key in use. A payload of an unknown key
// id, a wrong secret or altered data fails with an error matching
// ErrDecrypt (a decode failure of the task or workflow, not retried).
//
// The admin API and `infinitic workflow` show encrypted values as absent
// (they read JSON only).
func EncryptedCodec(inner Codec, current Key, old ...Key) (Codec, error) {
	if inner == nil {
		return nil, errors.New("infinitic: EncryptedCodec: inner codec is nil")
	}
	c := &encryptedCodec{inner: inner, keys: map[string]cipher.AEAD{}}
	for _, k := range append([]Key{current}, old...) {
		if len(k.ID) == 0 || len(k.ID) > 255 {
			return nil, fmt.Errorf("infinitic: EncryptedCodec: key id %q: want 1 to 255 bytes", k.ID)
		}
		if _, dup := c.keys[k.ID]; dup {
			return nil, fmt.Errorf("infinitic: EncryptedCodec: key id %q given twice", k.ID)
		}
		block, err := aes.NewCipher(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("infinitic: EncryptedCodec: key %q: want a secret of 16, 24 or 32 bytes: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("infinitic: EncryptedCodec: key %q: %w", k.ID, err)
		}
		c.keys[k.ID] = aead
		c.ids = append(c.ids, k.ID)
	}
	c.header = append(append(bytes.Clone(encryptedMagic), byte(len(current.ID))), current.ID...)
	c.current = c.keys[current.ID]
	return c, nil
}

// encryptedCodec payloads: encryptedMagic, the key id's length (1 byte),
// the key id, the nonce, then the sealed inner payload; the header (up to
// the nonce) is authenticated too.
type encryptedCodec struct {
	inner   Codec
	keys    map[string]cipher.AEAD
	ids     []string // current first
	current cipher.AEAD
	header  []byte // of the current key
}

func (c *encryptedCodec) Marshal(v any) ([]byte, error) {
	plain, err := c.inner.Marshal(v)
	if err != nil {
		return nil, err
	}
	ns := c.current.NonceSize()
	out := make([]byte, len(c.header)+ns, len(c.header)+ns+len(plain)+c.current.Overhead())
	copy(out, c.header)
	nonce := out[len(c.header):]
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return c.current.Seal(out, nonce, plain, c.header), nil
}

func (c *encryptedCodec) Unmarshal(data []byte, v any) error {
	if !bytes.HasPrefix(data, encryptedMagic) || len(data) < len(encryptedMagic)+1 {
		return fmt.Errorf("%w: not encrypted (written without EncryptedCodec?)", ErrDecrypt)
	}
	n := int(data[len(encryptedMagic)])
	end := len(encryptedMagic) + 1 + n
	if n == 0 || len(data) < end {
		return fmt.Errorf("%w: truncated", ErrDecrypt)
	}
	id := string(data[len(encryptedMagic)+1 : end])
	aead, ok := c.keys[id]
	if !ok {
		return fmt.Errorf("%w: encrypted with key %q, not among this codec's keys (%s)", ErrDecrypt, id, strings.Join(c.ids, ", "))
	}
	if len(data) < end+aead.NonceSize() {
		return fmt.Errorf("%w: truncated", ErrDecrypt)
	}
	plain, err := aead.Open(nil, data[end:end+aead.NonceSize()], data[end+aead.NonceSize():], data[:end])
	if err != nil {
		return fmt.Errorf("%w: key %q: wrong secret for this id, or altered data", ErrDecrypt, id)
	}
	return c.inner.Unmarshal(plain, v)
}
