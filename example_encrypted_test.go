package infinitic_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/infinitic-go/infinitic"
)

// Payloads encrypted with AES-GCM: give the codec to the client and
// worker configs (Codec), with the same keys everywhere. To rotate, make a
// new key current and keep the previous one among the old keys: what the
// previous key encrypted stays readable.
func ExampleEncryptedCodec() {
	// In production, load the secrets from your secret store (32 bytes: AES-256).
	k1 := infinitic.Key{ID: "2026-11", Secret: bytes.Repeat([]byte{1}, 32)}
	k2 := infinitic.Key{ID: "2026-12", Secret: bytes.Repeat([]byte{2}, 32)}

	before, _ := infinitic.EncryptedCodec(infinitic.JSON, k1)
	payload, _ := before.Marshal("card 4242")
	fmt.Println("plaintext in payload:", bytes.Contains(payload, []byte("4242")))

	rotated, _ := infinitic.EncryptedCodec(infinitic.JSON, k2, k1) // encrypts with k2, reads k1 and k2
	var s string
	err := rotated.Unmarshal(payload, &s)
	fmt.Println(s, err)

	withoutK1, _ := infinitic.EncryptedCodec(infinitic.JSON, k2)
	err = withoutK1.Unmarshal(payload, &s)
	fmt.Println(errors.Is(err, infinitic.ErrDecrypt), err)
	// worker.Config{Transport: tr, Store: st, Codec: rotated}; client.Config{..., Codec: rotated}

	// Output:
	// plaintext in payload: false
	// card 4242 <nil>
	// true infinitic: cannot decrypt payload: encrypted with key "2026-11", not among this codec's keys (2026-12)
}
