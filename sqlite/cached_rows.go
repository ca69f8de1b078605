package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"time"

	"github.com/connectd/connectd"
)

// queryRow reads one contact row whatever its age, with its instance's
// owner, its rowid, its map's version and its details (d.contact_id is
// NULL when it has no details row): what the row cache keeps (cache.go).
// The owner and retention filters that the lookups apply are applied in Go
// to the entry, so one cached row serves every lookup.
const queryRow = `SELECT c.rowid, i.account, i.region, ` + contactColumns + `, c.attributes, c.attributes_version,
		d.contact_id, d.refs, d.tags
	FROM contacts c JOIN instances i ON i.id = c.instance_id
		LEFT JOIN contact_details d ON d.instance_id = c.instance_id AND d.contact_id = c.id
	WHERE c.instance_id = ? AND c.id = ?`

// cached returns the row k if this unit of work can take it from memory:
// in a write, as the batch has it (overlay.go), else from the shared cache
// unless the batch changed it; in a View, from the shared cache.
func (r *rows) cached(k rowKey) *entry {
	if r.w != nil {
		if e, known := r.s.ov.lookup(k); known {
			return e
		}
		if e := r.s.cache.get(k); e != nil && !r.s.ov.hidden(e) {
			return e
		}
		return nil
	}
	return r.s.cache.get(k)
}

// row returns the row k as this unit of work sees it, or nil if there is
// none: from memory if it can (cached), else read, and then remembered by
// the batch (a write) or filled into the shared cache (a View).
func (r *rows) row(ctx context.Context, k rowKey) (*entry, error) {
	if r.snap != nil {
		// A View in its read transaction (a search) sees the database as
		// of that transaction's start: the cache may hold newer rows, and
		// what it reads may be older than the cache's generation says.
		return r.readRow(ctx, k)
	}
	if e := r.cached(k); e != nil {
		return e, nil
	}
	var g uint64
	if r.w == nil {
		g = r.s.cache.generation() // before the read: see rowCache.fill
	}
	e, err := r.readRow(ctx, k)
	if e == nil || err != nil {
		return nil, err
	}
	if r.w != nil {
		r.s.ov.stage(e)
	} else {
		r.s.cache.fill(e, g)
	}
	return e, nil
}

// readRow reads the row k through queryRow, or nil.
func (r *rows) readRow(ctx context.Context, k rowKey) (*entry, error) {
	var (
		rowid           int64
		account, region string
		version         int64
		details         sql.NullString
		refs, tags      []byte
	)
	sc := extraScan{r.q.QueryRowContext(ctx, queryRow, k.instance, k.id), []any{&rowid, &account, &region},
		[]any{&version, &details, &refs, &tags}}
	c, err := scanContact(sc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	e := newEntry(rowid, account, region, *c, version)
	if details.Valid {
		if err := e.setDetails(refs, tags); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// extraScan scans columns before and after those scanContact reads.
type extraScan struct {
	s         scanner
	pre, post []any
}

func (x extraScan) Scan(dest ...any) error {
	all := make([]any, 0, len(x.pre)+len(dest)+len(x.post))
	return x.s.Scan(append(append(append(all, x.pre...), dest...), x.post...)...)
}

// live returns the row k if its contact is live and, unless owner is nil,
// of owner's instance; else nil.
func (r *rows) live(ctx context.Context, owner *connectd.Owner, k rowKey) (*entry, error) {
	e, err := r.row(ctx, k)
	if e == nil || err != nil || !e.live(r.s.cutoff()) || (owner != nil && !e.owned(*owner)) {
		return nil, err
	}
	return e, nil
}

// chainMap returns the map of the chain of e's contact: its own for an
// initial contact, else its initial contact's if that is live, else empty.
func (r *rows) chainMap(ctx context.Context, e *entry) (connectd.Attributes, error) {
	if e.c.IsInitial() {
		return e.attributes(), nil
	}
	ie, err := r.live(ctx, nil, rowKey{e.c.InstanceID, e.c.InitialContactID})
	if ie == nil || err != nil {
		return connectd.Attributes{}, err
	}
	return ie.attributes(), nil
}

func (r *rows) FindContact(ctx context.Context, owner connectd.Owner, instanceID, id string) (*connectd.Contact, error) {
	e, err := r.live(ctx, &owner, rowKey{instanceID, id})
	if e == nil || err != nil {
		return nil, err
	}
	c := e.contact()
	if c.Attributes, err = r.chainMap(ctx, e); err != nil {
		return nil, err
	}
	return c, nil
}

// LockContact needs no lock: the single writer runs one write at a time.
func (r *rows) LockContact(ctx context.Context, owner connectd.Owner, instanceID, id string) (*connectd.Contact, error) {
	e, err := r.live(ctx, &owner, rowKey{instanceID, id})
	if e == nil || err != nil {
		return nil, err
	}
	return e.contact(), nil
}

func (r *rows) LockChain(ctx context.Context, instanceID, initialID string) (connectd.Attributes, bool, error) {
	e, err := r.live(ctx, nil, rowKey{instanceID, initialID})
	if e == nil || err != nil {
		return nil, false, err
	}
	return e.attributes(), true, nil
}

func (r *rows) ChainOf(ctx context.Context, owner connectd.Owner, instanceID, id string) (string, connectd.Attributes, bool, error) {
	e, err := r.live(ctx, &owner, rowKey{instanceID, id})
	if e == nil || err != nil {
		return "", nil, false, err
	}
	m, err := r.chainMap(ctx, e)
	if err != nil {
		return "", nil, false, err
	}
	return e.c.InitialContactID, m, true, nil
}

// updateChainMap writes a chain's map and bumps its version (migration
// 0011).
const updateChainMap = `UPDATE contacts SET attributes = ?, updated_ms = coalesce(?, updated_ms),
		attributes_version = attributes_version + 1
	WHERE instance_id = ? AND id = ?`

// updateChainMapAt is updateChainMap for a row whose rowid the unit knows
// (it read the row, or the cache had it): SQLite finds the row by its
// rowid, without first descending the primary key's index, about a tenth
// of the statement's CPU (BENCHMARKS.md, issue 18 session 4). The key
// stays in the WHERE, so a rowid that no longer held the row would change
// nothing, and SetChainMap would write by the key instead.
const updateChainMapAt = `UPDATE contacts SET attributes = ?, updated_ms = coalesce(?, updated_ms),
		attributes_version = attributes_version + 1
	WHERE rowid = ? AND instance_id = ? AND id = ?`

// SetChainMap writes the map and, if the unit knew the row, stages the row
// as written for the cache, which takes it after the commit. A row the unit
// did not know is dropped from the cache at the commit instead (the
// pre-update hook saw it change).
func (r *rows) SetChainMap(ctx context.Context, instanceID, initialID string, m connectd.Attributes, updated time.Time) error {
	doc, err := encodeMap(m)
	if err != nil {
		return err
	}
	k := rowKey{instanceID, initialID}
	prev := r.cached(k)
	ms := millis(truncate(updated))
	written := int64(0)
	if prev != nil {
		res, err := r.exec(ctx, updateChainMapAt, doc, ms, prev.rowid, instanceID, initialID)
		if err != nil {
			return err
		}
		if written, err = res.RowsAffected(); err != nil {
			return err
		}
	}
	if written == 0 {
		// Not the row it knew: whatever holds that entry is wrong, so
		// the batch hides the key's row and the commit drops it.
		prev = nil
		r.s.ov.forget(k)
		if _, err = r.exec(ctx, updateChainMap, doc, ms, instanceID, initialID); err != nil {
			return err
		}
	}
	if prev != nil {
		c := prev.c
		c.Attributes = maps.Clone(m)
		if c.Attributes == nil {
			c.Attributes = connectd.Attributes{}
		}
		if !updated.IsZero() {
			c.LastUpdateTimestamp = truncate(updated)
		}
		r.s.ov.stage(prev.rewritten(c, prev.version+1))
	}
	return nil
}
