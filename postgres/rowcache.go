package postgres

import (
	"sync"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// DefaultCacheBytes is the default cap of the row cache: about 3,500
// contacts of 10 short attributes, as in the sqlite store
// (sqlite.DefaultCacheBytes), so that an idle process stays under 64 MiB
// of resident memory (BENCHMARKS.md, "session 6").
const DefaultCacheBytes = 4 << 20

// cacheMaxAge is how long an entry may be used after it was stored. The
// entry's version is the row's xmin, a 32-bit transaction id that the
// server hands out again after 2^32 transactions (about a week at 7,000 a
// second): an entry far younger than that cannot meet its own xmin on
// another version of the row. Ten minutes also bounds what an idle cache
// holds of rows changed meanwhile by other replicas.
const cacheMaxAge = 10 * time.Minute

// rowKey names a contact row.
type rowKey struct{ instance, id string }

// cached is a contact row as a unit of this process committed or locked
// it: the contact (Attributes its own map, References and Tags its
// details), the owner of its instance, the row's xmin then, and the
// fence's epoch it was read in (fence.epoch). It is never changed once stored;
// a later commit stores a new one.
//
// xmin is the id of the transaction that wrote the row's current version:
// every UPDATE writes a new version with its own, a row lock does not
// change it, and freezing keeps the raw value that the column shows. It
// is the row's version counter that a compare-and-set needs (Npgsql's
// Entity Framework provider uses it as the concurrency token for the same
// reason); a contact's details are a row of their own, so every write of
// them rewrites the contact row too (SaveDetails), and the contact's xmin
// covers both.
type cached struct {
	owner connectd.Owner
	c     connectd.Contact
	xmin  uint32
	epoch int64
	at    time.Time
	size  int
}

// rowCache holds the cached rows, up to max estimated bytes. It serves
// only the optimistic attempt of an attribute update (fast.go), which
// checks the entry's xmin on the row it writes: an entry can be stale
// (another replica wrote the row) without anything going wrong but a
// fallback to the locked path.
type rowCache struct {
	max int

	mu    sync.Mutex
	bytes int
	rows  map[rowKey]*cached
}

func newRowCache(max int) *rowCache {
	return &rowCache{max: max, rows: make(map[rowKey]*cached)}
}

// get returns the entry of k if there is one young enough. An entry too
// old stays until it is replaced or evicted: bounded, like every entry.
func (rc *rowCache) get(k rowKey) *cached {
	rc.mu.Lock()
	e := rc.rows[k]
	rc.mu.Unlock()
	if e == nil || time.Since(e.at) > cacheMaxAge {
		return nil
	}
	return e
}

// put stores e for k, then evicts entries (in the map's random order,
// e among them) until the cache is within its cap. An entry larger than the cap itself
// is not stored.
func (rc *rowCache) put(k rowKey, e *cached) {
	e.size = entrySize(&e.c)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if old := rc.rows[k]; old != nil {
		rc.bytes -= old.size
		delete(rc.rows, k)
	}
	if e.size > rc.max {
		return
	}
	rc.rows[k] = e
	rc.bytes += e.size
	for victim, v := range rc.rows {
		if rc.bytes <= rc.max {
			break
		}
		rc.bytes -= v.size
		delete(rc.rows, victim)
	}
}

// drop forgets k's entry.
func (rc *rowCache) drop(k rowKey) {
	rc.mu.Lock()
	if old := rc.rows[k]; old != nil {
		rc.bytes -= old.size
		delete(rc.rows, k)
	}
	rc.mu.Unlock()
}

// usage returns the cache's entries and estimated bytes.
func (rc *rowCache) usage() (entries, bytes int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.rows), rc.bytes
}

// entrySize estimates an entry's memory as the sqlite store's cache does.
func entrySize(c *connectd.Contact) int { return stored.RowBytes(c) + stored.DetailsBytes(c) }

// CacheCap returns the cap of the store's row cache in estimated bytes
// (Options.CacheBytes; 0: no cache).
func (s *Store) CacheCap() int { return s.cache.max }
