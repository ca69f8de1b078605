package sqlite

import "time"

// ObserveCommits makes the store call f after every commit of a write
// transaction with the number of writes it carried and the time it took
// (begin to commit), for metrics. Call it before the store serves writes;
// nil stops the calls.
func (s *Store) ObserveCommits(f func(writes int, took time.Duration)) {
	if f == nil {
		s.commits.Store(nil)
		return
	}
	s.commits.Store(&f)
}

// observeCommit reports one commit to the ObserveCommits function, if any.
func (s *Store) observeCommit(writes int, since time.Time) {
	if f := s.commits.Load(); f != nil {
		(*f)(writes, time.Since(since))
	}
}
