package connectd

import (
	"context"
	"log/slog"
	"slices"
	"time"
)

// The search index holds, for each instance, the (key, value) pairs of its
// chain maps for its indexed keys only, so that a write pays for the keys
// that are searched and for no other (issue 18: indexing every pair was
// two thirds of an update's cost). An instance's indexed keys are its
// configured searchable keys and every key a search has named once. The
// stores' triggers index the pairs of every registered key on every write
// of a map; a key registered when the instance already had contacts is
// pending until BackfillSearchIndex has indexed those, and until then a
// search on it matches the chain maps themselves (slower, never wrong).
//
// Why this is race-free: registration is a unit of work of its own, so a
// write committed after it is indexed by the trigger, and the backfill,
// which starts after it, reads every chain committed before it. A store
// makes both hold under its own concurrency (SQLite: one writer;
// PostgreSQL: a lock, see its RegisterIndexedKeys).

// IndexedKey is one key of an instance's search index.
type IndexedKey struct {
	InstanceID, Key string
	// Ready is true once every chain written before the key was
	// registered has been indexed; from then on the index alone answers
	// searches on the key.
	Ready bool
	// After is the backfill's position while it is not Ready: the chains
	// of initial contact ids up to After are indexed.
	After string
}

// SearchIndexTx is the row-level access to the search index's keys.
type SearchIndexTx interface {
	// IndexedKeys returns the instance's registered keys among keys.
	IndexedKeys(ctx context.Context, instanceID string, keys []string) ([]IndexedKey, error)
	// RegisterIndexedKeys registers those of keys the instance does not
	// have yet, so that every later write of a chain map indexes their
	// pairs. They are Ready at once if the instance has no contact, else
	// pending with an empty After. An unknown instance registers nothing.
	RegisterIndexedKeys(ctx context.Context, instanceID string, keys []string) error
	// CountIndexedKeys returns how many keys the instance has registered.
	CountIndexedKeys(ctx context.Context, instanceID string) (int, error)
	// PendingIndexedKeys returns up to limit keys of any instance that are
	// not Ready.
	PendingIndexedKeys(ctx context.Context, limit int) ([]IndexedKey, error)
	// BackfillIndexedKey indexes the pairs of key of the chains of up to
	// limit contacts of the instance (of any age) with ids after after, in
	// id order, and returns the last id it read: "" when there was none.
	BackfillIndexedKey(ctx context.Context, instanceID, key, after string, limit int) (last string, err error)
	// SetIndexedKeyProgress stores k's After and Ready.
	SetIndexedKeyProgress(ctx context.Context, k IndexedKey) error
}

// BackfillBatch is how many contacts one unit of work of the backfill
// reads: small, so that each unit holds the store's writer for about a
// millisecond or two and writes queued behind it barely wait.
const BackfillBatch = 500

// MaxSearchRegisteredKeys bounds the keys an instance's search index
// holds through searches: a search naming a new key past it reads the
// chain maps for that key, as a search before its backfill does, and
// registers nothing. Without it any client could register keys without
// end by searching for made-up names, each costing a backfill of the whole
// instance (and, on PostgreSQL, a pause of the writers to register it).
// Amazon Connect searches only the keys an administrator configured;
// configured keys are always registered, whatever this bound.
const MaxSearchRegisteredKeys = 100

// kickBackfill wakes IndexSearchKeys at once; it never blocks (the
// channel holds one wake-up).
func (s *Service) kickBackfill() {
	select {
	case s.backfill <- struct{}{}:
	default:
	}
}

// criteriaKeys returns the distinct keys q's attribute criteria name.
func criteriaKeys(q *SearchQuery) []string {
	if q.Attributes == nil {
		return nil
	}
	var keys []string
	for _, c := range q.Attributes.Criteria {
		if !slices.Contains(keys, c.Key) {
			keys = append(keys, c.Key)
		}
	}
	return keys
}

// indexedQuery returns q with each attribute criterion's Indexed set from
// the registered keys; ok is false if some key of q is not registered.
func indexedQuery(q *SearchQuery, registered []IndexedKey) (out *SearchQuery, ok bool) {
	if q.Attributes == nil {
		return q, true
	}
	cp := *q
	attrs := *q.Attributes
	attrs.Criteria = slices.Clone(q.Attributes.Criteria)
	cp.Attributes = &attrs
	ok = true
	for i, c := range attrs.Criteria {
		j := slices.IndexFunc(registered, func(k IndexedKey) bool { return k.Key == c.Key })
		if j < 0 {
			ok = false
			continue
		}
		attrs.Criteria[i].Indexed = registered[j].Ready
	}
	return &cp, ok
}

// registerSearchKeys registers keys in the instance's search index in a
// unit of work of its own and wakes the backfill.
func (s *Service) registerSearchKeys(ctx context.Context, instanceID string, keys []string) error {
	err := s.port.Update(ctx, "register search keys", func(tx Tx) error {
		return tx.RegisterIndexedKeys(ctx, instanceID, keys)
	})
	if err == nil {
		s.kickBackfill()
	}
	return err
}

// BackfillSearchIndex indexes the chains written before their keys were
// registered, one unit of work of at most BackfillBatch contacts at a time,
// until no key is pending, and returns how many keys it made ready.
func (s *Service) BackfillSearchIndex(ctx context.Context) (int, error) {
	ready := 0
	for {
		var done, none bool
		err := s.port.Update(ctx, "backfill search index", func(tx Tx) error {
			done, none = false, false
			pending, err := tx.PendingIndexedKeys(ctx, 1)
			if err != nil || len(pending) == 0 {
				none = true
				return err
			}
			k := pending[0]
			last, err := tx.BackfillIndexedKey(ctx, k.InstanceID, k.Key, k.After, BackfillBatch)
			if err != nil {
				return err
			}
			if last == "" {
				k.Ready, done = true, true
			} else {
				k.After = last
			}
			return tx.SetIndexedKeyProgress(ctx, k)
		})
		switch {
		case err != nil:
			return ready, err
		case none:
			return ready, nil
		case done:
			ready++
		}
	}
}

// IndexSearchKeys runs BackfillSearchIndex whenever a search or a setting
// registers a key, and every interval (for keys a previous process left
// pending, or another replica registered), until ctx ends. Errors are
// logged and retried at the next wake-up.
func (s *Service) IndexSearchKeys(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.BackfillSearchIndex(ctx)
		var busy <-chan time.Time // set when the store was too busy
		switch {
		case err == nil, ctx.Err() != nil:
		case ErrorCode(err) == EBUSY:
			// An overloaded store refused the batch (its bounded wait for
			// the writer): no failure of the index, so a warning, and a
			// prompt retry, as searches on a pending key read the maps.
			log.Warn("search index backfill put off: the store is busy", "err", err)
			busy = time.After(backfillBusyRetry)
		default:
			log.Error("search index backfill failed", "err", err)
		}
		if n > 0 {
			log.Info("search index backfilled keys", "keys", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-busy:
		case <-s.backfill:
		}
	}
}

// backfillBusyRetry is how soon IndexSearchKeys tries again after the
// store was too busy for a backfill batch.
const backfillBusyRetry = time.Second
