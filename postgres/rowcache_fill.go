package postgres

import (
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// How the locked path fills the row cache: a unit that locked a contact
// (LockContact), read its details with the lock, wrote its chain map
// with the outbox entry in one statement (the fused write, which returns
// the transaction's id, the row's new xmin) and did nothing else stores
// the row as its commit left it. Any other unit that locked a contact
// forgets the contact's entry: it may have changed the row in ways the
// cache does not follow (an entry that outlives a change is only a wasted
// fast attempt, never a wrong answer, but it is cheaper not to try).

// lockedRow is what LockContact read: the row's contact before the
// Service changed it, its details' documents, and the owner it was locked
// for. The version the cache keeps is the unit's own write's (unit.written).
type lockedRow struct {
	key        rowKey
	owner      connectd.Owner
	c          connectd.Contact
	refs, tags []byte
}

// lockedRow notes what LockContact read (c, with the details pre).
func (r *rows) lockedRow(owner connectd.Owner, c *connectd.Contact, pre *prefetch) {
	r.locked = &lockedRow{key: rowKey{c.InstanceID, c.ID}, owner: owner, c: *c,
		refs: pre.refs, tags: pre.tags}
}

// forgetLocked drops the entry of a locked contact whose unit failed.
func (r *rows) forgetLocked() {
	if r.locked != nil {
		r.s.cache.drop(r.locked.key)
	}
}

// rememberLocked stores, after the unit committed, the row it locked if
// the unit was an attribute update of it (see above), read while the
// fence was at epoch; otherwise it forgets the row.
func (r *rows) rememberLocked(epoch int64) {
	if r.s.cache.max == 0 {
		return // --cache-mib 0: no cache to fill
	}
	l, w := r.locked, r.wrote
	if l == nil {
		return
	}
	now, ok := r.s.fence.epoch()
	if r.u.other || w == nil || (rowKey{w.instance, w.id}) != l.key || r.u.written == 0 || !ok || now != epoch {
		r.s.cache.drop(l.key)
		return
	}
	c := l.c
	if err := stored.Details(&c, l.refs, l.tags); err != nil {
		r.s.cache.drop(l.key)
		return
	}
	r.s.remember(l.key, l.owner, c, w, r.u.written, epoch)
}
