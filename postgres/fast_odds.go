package postgres

import "sync"

// fastOdds decides whether an optimistic attempt is worth its round trip:
// it saves one when it commits and costs one when the row moved on, so it
// is tried while at least half of the recent attempts committed (counts
// that decay by 1/16 an attempt), and otherwise on one attempt in
// probeEvery, so that a replica that became the chains' only writer
// again (a load balancer that routes them by chain, or the other replicas
// gone) finds out: about a dozen probes that commit bring it back.
type fastOdds struct {
	mu        sync.Mutex
	won, lost float64
	skipped   int
}

// probeEvery is how often an attempt is tried against the odds.
const probeEvery = 16

func (o *fastOdds) try() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.won >= o.lost {
		return true
	}
	o.skipped++
	if o.skipped < probeEvery {
		return false
	}
	o.skipped = 0
	return true
}

func (o *fastOdds) note(won bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.won, o.lost = o.won*15/16, o.lost*15/16
	if won {
		o.won++
	} else {
		o.lost++
	}
}
