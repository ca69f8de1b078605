package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// Search queries with a fixed text; the search itself is built per request
// (search_sql.go) and runs unprepared on the read pool, so that its many
// shapes do not fill the statement cache.
const (
	querySearchSetup = `SELECT i.searchable_keys, s.value FROM instances i
		LEFT JOIN connectd_secrets s ON s.name = 'search_token'
		WHERE i.id = ? AND i.account = ? AND i.region = ?`
	querySearchableKeys  = `SELECT searchable_keys FROM instances WHERE id = ?`
	updateSearchableKeys = `UPDATE instances SET searchable_keys = ? WHERE id = ?`
	// estimateCap bounds the counts that choose a plan (see plan).
	estimateCap = 2000
)

// SearchSettings reads the instance's searchable keys and the token secret
// in one query.
func (r *rows) SearchSettings(ctx context.Context, owner connectd.Owner, instanceID string) ([]string, []byte, bool, error) {
	var keysDoc sql.NullString
	var secret []byte
	found, err := r.one(ctx, querySearchSetup, []any{instanceID, owner.AccountID, owner.Region}, &keysDoc, &secret)
	if err != nil || !found {
		return nil, nil, false, err
	}
	keys, err := decodeKeys(keysDoc)
	return keys, secret, err == nil, err
}

// SearchContacts counts and reads one page of the matches, paging by keyset
// on (sort key, id), with the plan chosen once for both. The plan, the
// count and the page (and the View's reads after them, the page's details)
// come from one read transaction, so TotalCount agrees with the page even
// while writes commit.
func (r *rows) SearchContacts(ctx context.Context, q *connectd.SearchQuery, cur *connectd.SearchCursor, limit int) ([]*connectd.Contact, int64, error) {
	if err := r.snapshot(ctx); err != nil {
		return nil, 0, err
	}
	sq, err := r.searchQueries(ctx, q, cur, limit)
	if err != nil {
		return nil, 0, err
	}
	var total int64
	if err := r.q.QueryRowContext(ctx, sq.count, sq.countArgs...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count: %w", err)
	}
	contacts, err := pageContacts(ctx, r.q, q, sq.page, sq.pageArgs...)
	if err != nil {
		return nil, 0, err
	}
	return contacts, total, pageDetails(ctx, r.q, q.InstanceID, contacts)
}

// searchSQLs are a search's two statements: its count and its page.
type searchSQLs struct {
	count, page         string
	countArgs, pageArgs []any
}

// searchQueries plans a search (see plan) and builds its count and page.
func (r *rows) searchQueries(ctx context.Context, q *connectd.SearchQuery, cur *connectd.SearchCursor, limit int) (*searchSQLs, error) {
	cutoff := r.s.cutoff()
	from, fromArgs, skip, err := r.plan(ctx, q, cutoff)
	if err != nil {
		return nil, err
	}
	b := searchSQL{members: skip >= 0 && membersAlone(q)}
	b.filters(q, cutoff)
	if q.Attributes != nil {
		b.attributes(q.Attributes, cutoff, skip)
	}
	sq := &searchSQLs{count: "SELECT count(*) FROM " + from + " WHERE " + b.where(),
		countArgs: append(append([]any{}, fromArgs...), b.args...)}
	if skip >= 0 && membersAlone(q) {
		// The members' rows hold all the search asks: count them alone,
		// without joining each to its contact, and through the counters
		// of the whole five-minute buckets in range (search_counts.go).
		c := q.Attributes.Criteria[skip]
		sq.count, sq.countArgs = memberCount(q.InstanceID, c.Key, anys(c.Values, func(v string) any { return v }),
			max(q.Start.UnixMilli(), cutoff), q.End.UnixMilli(), cutoff)
	}
	col, id := sortColumns(q, skip)
	if cur != nil {
		b.after(q, cur, col, id)
	}
	dir := " ASC"
	if q.Descending {
		dir = " DESC"
	}
	sq.page = pageQuery("SELECT " + packedColumns() + " AS p FROM " + from + " WHERE " + b.where() +
		" ORDER BY " + col + dir + ", " + id + dir + " LIMIT ?")
	sq.pageArgs = append(append(append([]any{}, fromArgs...), b.args...), limit)
	return sq, nil
}

// sortColumns returns the page's sort key and tie-breaker: when the
// members of an initiation range drive the search (skip >= 0) and it sorts
// by initiation, their own columns, in the order of the members' primary
// key, so that the page is the first rows of the range scan rather than
// every match joined to its contact and sorted (a value held by 6,000 of
// 20,000 contacts in the range: 48 ms a page, issue 18).
func sortColumns(q *connectd.SearchQuery, skip int) (key, id string) {
	expr := dialect().SortExpr(q.Sort)
	if skip >= 0 && q.TimeRange == connectd.TimeInitiation && expr == dialect().TimeColumn(connectd.TimeInitiation) {
		return "v.at", "v.id"
	}
	return expr, "c.id"
}

// queryPageDetails reads the details of a search's page, whose ids go as
// one JSON array, in one query rather than one per contact (issue 18):
// each id in the array's order looks its row up through the primary key,
// and its index in the array (j.key) names its contact. Matching the ids
// by contact_id IN (SELECT value FROM json_each(?)) built a temporary
// index of the page's ids first, a third more CPU (BENCHMARKS.md "session
// 5").
const queryPageDetails = `SELECT j.key, d.refs, d.tags FROM json_each(?) j
	CROSS JOIN contact_details d ON d.instance_id = ? AND d.contact_id = j.value`

// pageDetails reads the References and Tags of a page's contacts.
func pageDetails(ctx context.Context, q querier, instanceID string, contacts []*connectd.Contact) error {
	if len(contacts) == 0 {
		return nil
	}
	ids := make([]string, len(contacts))
	for i, c := range contacts {
		ids[i] = c.ID
	}
	doc, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("page ids: %w", err)
	}
	rs, err := q.QueryContext(ctx, queryPageDetails, string(doc), instanceID)
	if err != nil {
		return fmt.Errorf("page details: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var i int
		var refs, tags []byte
		if err := rs.Scan(&i, &refs, &tags); err != nil {
			return fmt.Errorf("page details: %w", err)
		}
		if i < 0 || i >= len(contacts) {
			return fmt.Errorf("page details: index %d of %d ids", i, len(contacts))
		}
		if err := stored.Details(contacts[i], refs, tags); err != nil {
			return fmt.Errorf("page details: %w", err)
		}
	}
	if err := rs.Err(); err != nil {
		return fmt.Errorf("page details: %w", err)
	}
	return nil
}

// plan picks what the search walks first, and returns its FROM clause and
// arguments, and the attribute criterion (if any) that the FROM applies.
// By default it walks the instance's contacts in the time range, through
// the contacts_search_* index, probing the attribute index per contact:
// cost in proportion to the contacts in range. When a MATCH_ALL criterion
// on an indexed key matches fewer contacts than the range holds (a rare
// value over a long range), it walks that criterion's members instead,
// through contact_attribute_members (migration 0012), and joins each to
// its contact. Over an initiation range the members' rows are bounded by
// the range too, so that walk is always chosen: a common value's count is
// one range scan of its matches, not a probe per contact in range. Both
// sizes are counted up to estimateCap, so choosing is cheap.
//
// The FROM names its indexes (INDEXED BY) because the choice is made here:
// without sqlite_stat1 (connectd never runs ANALYZE) SQLite's own planner
// walked the chains through the primary key, the instance's whole index,
// and joined each to the contacts in range, not to its own members: a
// value on 1,000 of 20,000 contacts took 9.4 s (issue 18; BENCHMARKS.md).
func (r *rows) plan(ctx context.Context, q *connectd.SearchQuery, cutoff int64) (from string, args []any, skip int, err error) {
	skip = -1
	col := dialect().TimeColumn(q.TimeRange)
	if col == "" {
		return "contacts c", nil, skip, nil
	}
	from = "contacts c"
	if idx := timeIndex(col); idx != "" {
		from += " INDEXED BY " + idx
	}
	if q.Attributes == nil || q.Attributes.Match == connectd.MatchAny {
		return from, nil, skip, nil
	}
	// An initiation range bounds the members' rows too: their count is
	// then of the matches in range, at most what the range holds, so the
	// members always drive, and the range need not be counted; nor the
	// members, when one criterion alone can drive.
	initiated := q.TimeRange == connectd.TimeInitiation
	best := estimateCap + 1
	if !initiated {
		err = r.q.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+from+`
			WHERE c.instance_id = ? AND `+col+` BETWEEN ? AND ? LIMIT ?)`,
			q.InstanceID, q.Start.UnixMilli(), q.End.UnixMilli(), estimateCap).Scan(&best)
		if err != nil {
			return "", nil, 0, fmt.Errorf("estimate: %w", err)
		}
	}
	candidates := 0
	for _, c := range q.Attributes.Criteria {
		if len(c.Values) > 0 && c.Indexed {
			candidates++
		}
	}
	for i, c := range q.Attributes.Criteria {
		if len(c.Values) == 0 || !c.Indexed {
			continue
		}
		cargs := append([]any{q.InstanceID, c.Key}, anys(c.Values, func(v string) any { return v })...)
		if initiated {
			cargs = append(cargs, max(q.Start.UnixMilli(), cutoff), q.End.UnixMilli())
		}
		n := 0
		if !initiated || candidates > 1 {
			err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM contact_attribute_members
				WHERE `+memberValues(len(c.Values), initiated)+` LIMIT ?)`, append(slices.Clone(cargs), estimateCap)...).Scan(&n)
			if err != nil {
				return "", nil, 0, fmt.Errorf("estimate: %w", err)
			}
		}
		if n < best {
			best, skip = n, i
			args = append(slices.Clone(cargs), cutoff, q.InstanceID)
		}
	}
	if skip < 0 {
		return from, nil, skip, nil
	}
	return membersFrom(q, skip), args, skip, nil
}

// membersFrom is the FROM of a search driven by the members of its
// criterion skip. CROSS JOIN makes SQLite keep the members as the outer
// loop, each joined to its contact through the primary key, or, when the
// members hold all the search asks (membersAlone), through contacts_page,
// which holds the page's text (migration 0017): the page then reads no
// contact row.
func membersFrom(q *connectd.SearchQuery, skip int) string {
	contacts := "contacts c"
	if membersAlone(q) {
		contacts = "contacts c INDEXED BY " + pageIndex
	}
	return `(SELECT contact_id AS id, initiated_ms AS at FROM contact_attribute_members
		WHERE ` + memberValues(len(q.Attributes.Criteria[skip].Values), q.TimeRange == connectd.TimeInitiation) + ` AND chain_ms >= ?) v
		CROSS JOIN ` + contacts + ` ON c.instance_id = ? AND c.id = v.id`
}

// membersAlone reports whether a search driven by the members of its one
// attribute criterion asks nothing else of a contact than what the
// members' rows hold: the instance and the initiation range.
func membersAlone(q *connectd.SearchQuery) bool {
	return q.TimeRange == connectd.TimeInitiation && len(q.Attributes.Criteria) == 1 &&
		len(q.Channels) == 0 && len(q.InitiationMethods) == 0 && len(q.QueueIDs) == 0 && len(q.AgentIDs) == 0 &&
		(q.Name == nil || len(q.Name.Texts) == 0) && q.Tags == nil
}

// memberValues is the condition on contact_attribute_members (migration
// 0012) that a member's chain has key = one of n values, and, for an
// initiation range, that the member's own initiated_ms is in it: a range
// scan of the table's primary key per value.
func memberValues(n int, initiated bool) string {
	cond := `instance_id = ? AND name = ? AND value IN (` + marks(n) + `)`
	if n == 1 { // an equality keeps the primary key's order for the page
		cond = `instance_id = ? AND name = ? AND value = ?`
	}
	if initiated {
		cond += ` AND initiated_ms BETWEEN ? AND ?`
	}
	return cond
}

// timeIndex is the search index of a time column (migrations 0002, 0010),
// or "" for a column without one.
func timeIndex(col string) string {
	switch col {
	case "c.initiated_ms":
		return "contacts_search_initiated"
	case "c.scheduled_ms":
		return "contacts_search_scheduled"
	case "c.disconnected_ms":
		return "contacts_search_disconnected"
	}
	return ""
}

func (r *rows) SearchableKeys(ctx context.Context, instanceID string) ([]string, bool, error) {
	var doc sql.NullString
	found, err := r.one(ctx, querySearchableKeys, []any{instanceID}, &doc)
	if err != nil || !found {
		return nil, false, err
	}
	keys, err := decodeKeys(doc)
	return keys, err == nil, err
}

func (r *rows) SetSearchableKeys(ctx context.Context, instanceID string, keys []string) (bool, error) {
	doc, ok, err := stored.Keys(keys)
	if err != nil {
		return false, err
	}
	res, err := r.exec(ctx, updateSearchableKeys, sql.NullString{String: doc, Valid: ok}, instanceID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// decodeKeys reads a searchable_keys column: NULL is every key (nil).
func decodeKeys(doc sql.NullString) ([]string, error) {
	return stored.ParseKeys([]byte(doc.String), !doc.Valid)
}
