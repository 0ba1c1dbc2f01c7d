package infinitic_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic"
)

func secret(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }

func mustCodec(t *testing.T, current infinitic.Key, old ...infinitic.Key) infinitic.Codec {
	t.Helper()
	c, err := infinitic.EncryptedCodec(infinitic.JSON, current, old...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEncryptedCodec(t *testing.T) {
	k1 := infinitic.Key{ID: "k1", Secret: secret(1, 32)}
	k2 := infinitic.Key{ID: "k2", Secret: secret(2, 16)}
	written, err := mustCodec(t, k1).Marshal(map[string]string{"card": "4242-4242"})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(written, []byte("4242")) || bytes.Contains(written, []byte("card")) {
		t.Fatalf("plaintext in %q", written)
	}
	tampered := bytes.Clone(written)
	tampered[len(tampered)-1] ^= 1
	tests := []struct {
		name    string
		reader  infinitic.Codec
		data    []byte
		wantErr string // "" for success
	}{
		{"same key", mustCodec(t, k1), written, ""},
		{"after rotation: the old key among old ones", mustCodec(t, k2, k1), written, ""},
		{"key removed", mustCodec(t, k2), written, `encrypted with key "k1", not among this codec's keys (k2)`},
		{"wrong secret for the id", mustCodec(t, infinitic.Key{ID: "k1", Secret: secret(9, 32)}), written, `key "k1": wrong secret`},
		{"altered", mustCodec(t, k1), tampered, `key "k1": wrong secret for this id, or altered data`},
		{"not encrypted", mustCodec(t, k1), []byte(`{"card":"4242-4242"}`), "not encrypted"},
		{"truncated", mustCodec(t, k1), written[:8], "truncated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got map[string]string
			err := tc.reader.Unmarshal(tc.data, &got)
			if tc.wantErr == "" {
				if err != nil || got["card"] != "4242-4242" {
					t.Fatalf("got %v, %v", got, err)
				}
				return
			}
			if !errors.Is(err, infinitic.ErrDecrypt) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want ErrDecrypt with %q", err, tc.wantErr)
			}
		})
	}
}

func TestEncryptedCodecNonceDiffers(t *testing.T) {
	c := mustCodec(t, infinitic.Key{ID: "k", Secret: secret(1, 32)})
	a, _ := c.Marshal("same")
	b, _ := c.Marshal("same")
	if bytes.Equal(a, b) {
		t.Fatal("two encryptions of one value are equal: nonce reused")
	}
}

func TestEncryptedCodecBadKeys(t *testing.T) {
	good := infinitic.Key{ID: "k", Secret: secret(1, 32)}
	tests := []struct {
		name    string
		inner   infinitic.Codec
		current infinitic.Key
		old     []infinitic.Key
		wantErr string
	}{
		{"no inner codec", nil, good, nil, "inner codec is nil"},
		{"empty id", infinitic.JSON, infinitic.Key{Secret: secret(1, 32)}, nil, "want 1 to 255 bytes"},
		{"long id", infinitic.JSON, infinitic.Key{ID: strings.Repeat("x", 256), Secret: secret(1, 32)}, nil, "want 1 to 255 bytes"},
		{"short secret", infinitic.JSON, infinitic.Key{ID: "k", Secret: secret(1, 10)}, nil, "16, 24 or 32 bytes"},
		{"id twice", infinitic.JSON, good, []infinitic.Key{good}, `key id "k" given twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := infinitic.EncryptedCodec(tc.inner, tc.current, tc.old...)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
