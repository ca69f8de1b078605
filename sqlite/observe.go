package sqlite

import "time"

// ObserveCommits makes the store call f after every commit of a write
// transaction with the number of writes it carried and the time it took
// (begin to commit), for metrics; nil stops the calls.
func (s *Store) ObserveCommits(f func(writes int, took time.Duration)) { s.commits.Set(f) }
