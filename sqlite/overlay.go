package sqlite

// overlay is what the committer's open batch has done to cached rows, kept
// apart from the shared rowCache until the batch commits: the rows its
// units read or wrote (as the transaction now has them) and the rowids its
// statements changed. SQLite's pre-update hook reports every change of a
// contacts row, by any statement or trigger (see hook.go), so a write that
// does not know about the cache still hides the row's cached entry from the
// rest of the batch and drops it at the commit. A change of a contact's
// details row (which the cache keeps with the contact's row) is reported
// by the contact's key instead, and hides and drops the entry of that key
// alike.
//
// It has two layers: the unit (savepoint) running now, and the units of
// the batch already released. A unit rolled back to its savepoint loses
// its layer, and so leaves nothing behind; a failed batch loses both. Only
// the committer goroutine uses it.
type overlay struct {
	unit, batch layer
	// wrote is set by any statement that may have written, of any table
	// (runInTx's attempt without savepoints needs to know).
	wrote bool
	// outbox is the entries the batch inserts before it commits, with
	// the same two layers (outbox.go).
	outbox outboxQueue
}

// layer is the rows, changed rowids and contacts of changed details of a
// unit or of a batch; keyOf finds a row of rows by its rowid.
type layer struct {
	rows    map[rowKey]*entry
	keyOf   map[int64]rowKey
	dirty   map[int64]struct{}
	details map[rowKey]struct{}
}

func newLayer() layer {
	return layer{rows: map[rowKey]*entry{}, keyOf: map[int64]rowKey{}, dirty: map[int64]struct{}{},
		details: map[rowKey]struct{}{}}
}

// put adds e to the layer.
func (l *layer) put(e *entry) {
	k := rowKey{e.c.InstanceID, e.c.ID}
	if old, ok := l.rows[k]; ok {
		delete(l.keyOf, old.rowid)
	}
	l.rows[k] = e
	l.keyOf[e.rowid] = k
}

// drop removes the row r from the layer, if it is there.
func (l *layer) drop(r int64) {
	if k, ok := l.keyOf[r]; ok {
		delete(l.rows, k)
		delete(l.keyOf, r)
	}
}

// dropKey removes the row k from the layer, if it is there.
func (l *layer) dropKey(k rowKey) {
	if e, ok := l.rows[k]; ok {
		delete(l.rows, k)
		delete(l.keyOf, e.rowid)
	}
}

// stale reports whether the layer changed e's row or its details.
func (l *layer) stale(e *entry) bool {
	if _, ok := l.dirty[e.rowid]; ok {
		return true
	}
	_, ok := l.details[rowKey{e.c.InstanceID, e.c.ID}]
	return ok
}

func (l *layer) clear() {
	l.rows = emptied(l.rows)
	l.keyOf = emptied(l.keyOf)
	l.dirty = emptied(l.dirty)
	l.details = emptied(l.details)
}

// shrinkAbove is the size past which a layer's map is replaced rather
// than cleared.
const shrinkAbove = 4 * maxBatch

// emptied returns m empty: cleared, or new if it held more than
// shrinkAbove entries. A Go map keeps the room it grew to, and both
// clearing it and ranging over it (release does for every unit) take
// time in proportion to that room, not to what it holds: once one unit
// had touched thousands of rows (an import, a purge), every later unit
// paid for them (5 % of BenchmarkCommitBatch's CPU).
func emptied[K comparable, V any](m map[K]V) map[K]V {
	if len(m) > shrinkAbove {
		return make(map[K]V)
	}
	clear(m)
	return m
}

func newOverlay() *overlay { return &overlay{unit: newLayer(), batch: newLayer()} }

// changed is the pre-update hook's report that a row of table changes;
// for contacts, r is its rowid.
func (o *overlay) changed(table string, r int64) {
	o.wrote = true
	if table != "contacts" {
		return
	}
	o.unit.dirty[r] = struct{}{}
	o.unit.drop(r)
}

// detailsChanged is the pre-update hook's report that the details row of
// contact k changes.
func (o *overlay) detailsChanged(k rowKey) {
	o.unit.details[k] = struct{}{}
	o.unit.dropKey(k)
}

// forget hides the row k from the rest of the batch and drops it from
// the cache at the commit, whatever rowid it was known by.
func (o *overlay) forget(k rowKey) { o.detailsChanged(k) }

// stage records e as the row the unit's transaction now has.
func (o *overlay) stage(e *entry) { o.unit.put(e) }

// lookup returns the batch's view of k: the entry and true if the batch
// knows the row (nil if it changed it unseen, so it must be read again), or
// false if the shared cache may answer, provided that its entry's rowid is
// not hidden.
func (o *overlay) lookup(k rowKey) (*entry, bool) {
	if e, ok := o.unit.rows[k]; ok {
		return e, true
	}
	if e, ok := o.batch.rows[k]; ok {
		if o.unit.stale(e) {
			return nil, true
		}
		return e, true
	}
	return nil, false
}

// hidden reports whether the batch changed e's row or its details, which
// makes the shared cache's entry e stale for the batch.
func (o *overlay) hidden(e *entry) bool { return o.unit.stale(e) || o.batch.stale(e) }

// release keeps the unit's layer: its savepoint was released.
func (o *overlay) release() {
	for r := range o.unit.dirty {
		o.batch.dirty[r] = struct{}{}
		o.batch.drop(r)
	}
	for k := range o.unit.details {
		o.batch.details[k] = struct{}{}
		o.batch.dropKey(k)
	}
	for _, e := range o.unit.rows {
		o.batch.put(e)
	}
	o.unit.clear()
	o.outbox.release()
}

// rollback forgets the unit's layer: its savepoint was rolled back.
func (o *overlay) rollback() {
	o.unit.clear()
	o.outbox.rollback()
}

// reset forgets everything, for the next batch.
func (o *overlay) reset() {
	o.unit.clear()
	o.batch.clear()
	o.outbox.reset()
}

// everything is every rowid the batch touched, changed or read, for
// dropping them all after a failed commit (with batch.details).
func (o *overlay) everything() map[int64]struct{} {
	all := make(map[int64]struct{}, len(o.batch.dirty)+len(o.batch.rows))
	for r := range o.batch.dirty {
		all[r] = struct{}{}
	}
	for _, e := range o.batch.rows {
		all[e.rowid] = struct{}{}
	}
	return all
}
