package sqlstore

import (
	"fmt"

	"github.com/infinitic-go/infinitic/store"
)

// SeqBits is the number of low version bits counting the updates within
// one generation.
const SeqBits = 16

const (
	seqMask = 1<<SeqBits - 1
	// maxGen keeps versions within a signed 64-bit column.
	maxGen = 1<<(63-SeqBits) - 1
)

// firstVersion is the first version of generation gen.
func firstVersion(gen uint64) (store.Version, error) {
	if gen == 0 || gen > maxGen {
		return 0, fmt.Errorf("generation %d out of range [1, %d]", gen, uint64(maxGen))
	}
	return store.Version(gen << SeqBits), nil
}

// nextInGen returns the version after v within its generation, or false
// when the generation is exhausted and a new one must be taken.
func nextInGen(v store.Version) (store.Version, bool) {
	if v&seqMask == seqMask {
		return 0, false
	}
	return v + 1, true
}
