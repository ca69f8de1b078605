package sqlite

import (
	"maps"
	"sync"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// DefaultCacheBytes is the default cap of the row cache (Options.CacheBytes):
// about 3,500 contacts of 10 attributes of 5–15 bytes (an entry's real
// memory is about 1.35 times its estimate, stored.RowBytes). With it an
// idle process stays under 64 MiB of resident memory after a load that
// touched 20,000 contacts: 57 MiB, where 8 MiB left 68 and 16 MiB 88
// (BENCHMARKS.md, "session 6"; the heap's fragments and SQLite's own page
// caches are most of the rest).
const DefaultCacheBytes = 4 << 20

// evictSample is how many entries put compares to choose one to evict.
const evictSample = 4

// recentChanges is how many recently changed rowids the cache remembers, so
// that a read that raced a commit cannot store what it read (see fill).
const recentChanges = 4096

// rowKey names a contact row.
type rowKey struct{ instance, id string }

// entry is one committed contact row as the cache keeps it: the row, the
// map kept on the row itself (not its chain's, for a later member), its
// attributes_version, its details (References and Tags, as LoadDetails
// reads them; hasDetails is false when it has no details row), the owner
// of its instance, and its rowid, which is how a change of the row is
// recognised (see hook.go; a change of its details by its key). An entry's
// row is never changed once built (a write makes a new entry); only its
// read clock moves, under the cache's mutex.
type entry struct {
	rowid           int64
	account, region string
	c               connectd.Contact // Attributes: the row's own map
	version         int64
	hasDetails      bool
	size            int // estimated bytes, detailsSize of them the details'
	detailsSize     int
	// read is the cache's clock when the entry was last put or got,
	// under the cache's mutex: eviction's measure of use (put).
	read uint64
}

// newEntry builds an entry and estimates its memory.
func newEntry(rowid int64, account, region string, c connectd.Contact, version int64) *entry {
	if c.Attributes == nil {
		c.Attributes = connectd.Attributes{}
	}
	e := &entry{rowid: rowid, account: account, region: region, c: c, version: version}
	e.size = stored.RowBytes(&e.c)
	return e
}

// setDetails sets the entry's details from their stored documents
// (stored.Details), while the entry is being built.
func (e *entry) setDetails(refs, tags []byte) error {
	if err := stored.Details(&e.c, refs, tags); err != nil {
		return err
	}
	e.hasDetails = true
	e.detailsSize = stored.DetailsBytes(&e.c)
	e.size += e.detailsSize
	return nil
}

// rewritten is the entry of e's row after a write of c's columns, which
// leaves the details as they are.
func (e *entry) rewritten(c connectd.Contact, version int64) *entry {
	n := newEntry(e.rowid, e.account, e.region, c, version)
	n.hasDetails, n.detailsSize = e.hasDetails, e.detailsSize
	n.size += e.detailsSize
	return n
}

// details sets c's References and Tags as LoadDetails reads them from the
// database, from copies of the entry's: a caller may change those
// (UntagContact deletes from Tags). A contact without a details row keeps
// what c had.
func (e *entry) details(c *connectd.Contact) {
	if !e.hasDetails {
		return
	}
	if e.c.References != nil {
		c.References = maps.Clone(e.c.References)
	}
	c.Tags = maps.Clone(e.c.Tags)
}

// live reports whether the entry's contact is within retention at cutoff.
func (e *entry) live(cutoff int64) bool { return e.c.InitiationTimestamp.UnixMilli() >= cutoff }

// owned reports whether the entry's instance belongs to owner.
func (e *entry) owned(owner connectd.Owner) bool {
	return e.account == owner.AccountID && e.region == owner.Region
}

// contact returns a copy of the row the caller may change, except for its
// map, which it shares with the entry (see attributes).
func (e *entry) contact() *connectd.Contact {
	c := e.c
	c.References, c.Tags = nil, nil // details come through LoadDetails
	return &c
}

// attributes returns the row's own map (never nil), shared with the entry
// and with every other reader: no caller changes a map a Tx returns
// (connectd.Tx says so; Merge copies), so reads need no copy of it. The
// Directory and Memory suites check after every test that the cache
// still agrees with SQLite (eachMode), which a caller's change would break.
func (e *entry) attributes() connectd.Attributes { return e.c.Attributes }

// rowCache is the write-through cache of committed contact rows, and so of
// committed chain maps. It holds only what a commit made durable: the
// committer puts a batch's rows in after its commit (apply), and a reader
// of the read pool may add a row it read (fill) only if no commit changed
// that row since the read began. Its size is capped at max bytes (by the
// entries' estimates); past the cap it drops entries not read for a while
// (put), which only costs a later read its trip to SQLite.
type rowCache struct {
	mu    sync.Mutex
	max   int
	used  int
	clock uint64 // counts puts and gets, for entry.read
	rows  map[rowKey]*entry
	byRow map[int64]rowKey
	// gen counts applied commits. changed holds the generation in which
	// each recently changed rowid was last changed, and details that of
	// each contact whose details changed; ring is the order they came in,
	// and floor the newest generation forgotten from it.
	gen     uint64
	changed map[int64]uint64
	details map[rowKey]uint64
	ring    [recentChanges]change
	next    int
	floor   uint64
}

// change is one rowid, or else (byKey) one contact's details, changed in
// generation gen.
type change struct {
	rowid int64
	key   rowKey
	byKey bool
	gen   uint64
}

func newRowCache(max int) *rowCache {
	return &rowCache{max: max, rows: map[rowKey]*entry{}, byRow: map[int64]rowKey{},
		changed: map[int64]uint64{}, details: map[rowKey]uint64{}}
}

// get returns the cached row of k, or nil.
func (rc *rowCache) get(k rowKey) *entry {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e := rc.rows[k]
	if e != nil {
		rc.clock++
		e.read = rc.clock
	}
	return e
}

// generation is taken before a read whose row may be filled in.
func (rc *rowCache) generation() uint64 {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.gen
}

// fill adds e, read from committed data after generation g was taken,
// unless a commit since g changed its row (the read may predate that
// commit) or the cache already has the row.
func (rc *rowCache) fill(e *entry, g uint64) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if g < rc.floor {
		return // too old to tell
	}
	if cg, ok := rc.changed[e.rowid]; ok && cg > g {
		return
	}
	k := rowKey{e.c.InstanceID, e.c.ID}
	if cg, ok := rc.details[k]; ok && cg > g {
		return
	}
	if _, ok := rc.rows[k]; ok {
		return
	}
	rc.put(k, e)
}

// apply is what the committer does after a commit: it drops every row the
// batch changed (dirty rowids, and the contacts whose details it changed)
// and puts in the batch's rows as the commit left them. After a failed
// commit it is called with the rows the batch touched as dirty and nothing
// to put, so no state of the failed batch can stay.
func (rc *rowCache) apply(dirty map[int64]struct{}, details map[rowKey]struct{}, put map[rowKey]*entry) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.gen++
	for r := range dirty {
		rc.forget(r)
	}
	for k := range details {
		if e, ok := rc.rows[k]; ok {
			rc.drop(k, e)
		}
		rc.remember(change{key: k, byKey: true, gen: rc.gen})
		rc.details[k] = rc.gen
	}
	for k, e := range put {
		rc.forget(e.rowid)
		if old, ok := rc.rows[k]; ok {
			rc.drop(k, old)
		}
		rc.put(k, e)
	}
}

// forget drops the row r and remembers that it changed now.
func (rc *rowCache) forget(r int64) {
	if k, ok := rc.byRow[r]; ok {
		rc.drop(k, rc.rows[k])
	}
	rc.remember(change{rowid: r, gen: rc.gen})
	rc.changed[r] = rc.gen
}

// remember adds c to the ring of recent changes, forgetting the oldest.
func (rc *rowCache) remember(c change) {
	if old := rc.ring[rc.next]; old.gen != 0 {
		if old.byKey && rc.details[old.key] == old.gen {
			delete(rc.details, old.key)
		} else if !old.byKey && rc.changed[old.rowid] == old.gen {
			delete(rc.changed, old.rowid)
		}
		rc.floor = max(rc.floor, old.gen)
	}
	rc.ring[rc.next] = c
	rc.next = (rc.next + 1) % recentChanges
}

// put adds e under k, evicting while over the cap the least recently
// used of evictSample entries taken at random (map iteration starts at a
// random place): a cheap approximation of LRU, so that rows written once
// and never read again (the contacts a load starts and leaves) make way
// before the rows that are read and updated (TestCacheEvictsColdRowsFirst:
// a quarter of the hot rows' reads missed with arbitrary eviction, under a
// tenth with this).
func (rc *rowCache) put(k rowKey, e *entry) {
	if e.size > rc.max {
		return
	}
	if other, ok := rc.byRow[e.rowid]; ok && other != k {
		rc.drop(other, rc.rows[other]) // the rowid now names k's row
	}
	for rc.used+e.size > rc.max && len(rc.rows) > 0 {
		var victim rowKey
		var oldest *entry
		n := 0
		for ok, old := range rc.rows {
			if oldest == nil || old.read < oldest.read {
				victim, oldest = ok, old
			}
			if n++; n == evictSample {
				break
			}
		}
		rc.drop(victim, oldest)
	}
	rc.clock++
	e.read = rc.clock
	rc.rows[k] = e
	rc.byRow[e.rowid] = k
	rc.used += e.size
}

// drop removes the entry e under k.
func (rc *rowCache) drop(k rowKey, e *entry) {
	delete(rc.rows, k)
	if rc.byRow[e.rowid] == k {
		delete(rc.byRow, e.rowid)
	}
	rc.used -= e.size
}

// stats returns the number of entries and their estimated bytes.
func (rc *rowCache) stats() (n, bytes int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.rows), rc.used
}

// CacheCap returns the cap of the store's row cache in estimated bytes
// (Options.CacheBytes; 0: no cache).
func (s *Store) CacheCap() int { return s.cache.max }
