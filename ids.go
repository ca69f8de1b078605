package connectd

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// NewSeededIDs returns a generator of ids that are valid lowercase UUIDs
// (version 4 layout) drawn from a deterministic sequence: the same seed gives
// the same ids in the same order, so fixtures and snapshots are stable. It is
// safe for concurrent use (the order then follows the order of calls).
func NewSeededIDs(seed uint64) func() string {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func() string {
		mu.Lock()
		hi, lo := r.Uint64(), r.Uint64()
		mu.Unlock()
		hi = hi&^0xf000 | 0x4000     // version 4
		lo = lo&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
		return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x",
			hi>>32, (hi>>16)&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
	}
}
