package postgres

// ResetPool closes every connection of s, so that its next requests
// connect afresh, as they would after a connection's lifetime ended.
func ResetPool(s *Store) { s.pool.Reset() }
