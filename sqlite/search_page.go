package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectd/connectd"
)

// A search's page is read as one text: each contact's columns packed by
// concat() (packedColumns), the page's contacts joined by group_concat()
// (pageQuery), which Go slices apart (packedRow). The driver takes the
// connection's mutex and converts a value for every column of every row,
// so the 17 columns of a page of 101 contacts cost about 7 µs a contact,
// more than the page's two B-tree lookups a contact; one text a contact
// took a page's query 25 % less CPU (issue 18, BENCHMARKS.md "session 4"),
// and one text a page, of only the columns a ContactSearchSummary shows,
// another 24 % ("session 5").
//
// A contact's text holds, for each column of packedTexts, its length in
// bytes, a colon and its bytes (a NULL is no length and nothing: it reads
// back as "", as scanContact reads a NULL text), then, for each column of
// packedTimes, its digits (none for a NULL) and a comma. Lengths make any
// byte safe in a text, a separator included, and mark where the next
// contact starts.
const packedTextCount, packedTimeCount = 7, 4

// packedTexts and packedTimes are the packed columns (functions, not
// variables: the package keeps no mutable state): what a
// ContactSearchSummary carries and the sort keys need. The page leaves out
// the instance (the search's own), the description, related contact, client
// token and last update, which no summary shows.
func packedTexts() []string {
	return []string{"c.id", "c.initial_contact_id", "c.previous_contact_id",
		"c.channel", "c.initiation_method", "c.name", "c.queue_id"}
}

func packedTimes() []string {
	return []string{"c.initiated_ms", "c.scheduled_ms", "c.disconnected_ms", "c.enqueued_ms"}
}

// packedColumns is a contact's one column: every column above joined by
// concat() in one call (a chain of || cost more than the columns it
// replaced, and printf's %s stops at a NUL byte, which concat keeps, so
// that the lengths stay right). concat takes a NULL as "", so a NULL
// text's length reads "" (0) and a NULL time "". A text's length is
// octet_length(), its bytes as stored, NUL bytes included (SQLite 3.43):
// length(CAST(x AS BLOB)) said the same through a copy of the text.
func packedColumns() string {
	parts := make([]string, 0, 3*packedTextCount+2*packedTimeCount)
	for _, col := range packedTexts() {
		parts = append(parts, "octet_length("+col+")", "':'", col)
	}
	for _, col := range packedTimes() {
		parts = append(parts, col, "','")
	}
	return "concat(" + strings.Join(parts, ", ") + ")"
}

// pageQuery wraps a query of packedColumns, ordered and limited, into the
// one row of the page: how many contacts it holds, and their texts joined
// in the order the inner query returns them (NULL for none). group_concat's order is the
// inner query's in practice (SQLite does not flatten a subquery with a
// LIMIT into an aggregate) but undocumented, so pageContacts checks it;
// the ORDER BY inside the aggregate that would guarantee it sorted the
// page again and cost more than the aggregate saved.
func pageQuery(query string) string {
	return "SELECT count(*), group_concat(p, '') FROM (" + query + ")"
}

// pageContacts runs a search's page query (pageQuery, of rows in q's
// order) and returns its contacts, of q.InstanceID, without maps. If the
// contacts did not come in q's order, it sorts them so.
func pageContacts(ctx context.Context, rq querier, q *connectd.SearchQuery, query string, args ...any) ([]*connectd.Contact, error) {
	var n int
	var page sql.NullString
	if err := rq.QueryRowContext(ctx, query, args...).Scan(&n, &page); err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	// The page's contacts are allocated together, one allocation rather
	// than one a contact (or a slice's growth).
	all, out := make([]connectd.Contact, n), make([]*connectd.Contact, n)
	p := packedRow{s: page.String}
	for i := range all {
		all[i].InstanceID, out[i] = q.InstanceID, &all[i]
		if err := p.contact(&all[i]); err != nil {
			return nil, fmt.Errorf("page, contact %d of %d: %w", i, n, err)
		}
	}
	if p.pos != len(p.s) {
		return nil, fmt.Errorf("page: %d bytes after its %d contacts", len(p.s)-p.pos, n)
	}
	order := func(a, b *connectd.Contact) int {
		an, as := connectd.SortKey(a, q.Sort)
		bn, bs := connectd.SortKey(b, q.Sort)
		c := cmp.Or(cmp.Compare(an, bn), strings.Compare(as, bs), strings.Compare(a.ID, b.ID))
		if q.Descending {
			return -c
		}
		return c
	}
	if !slices.IsSortedFunc(out, order) {
		slices.SortFunc(out, order)
	}
	return out, nil
}

// packedRow is a page's packed text being read.
type packedRow struct {
	s   string
	pos int
}

// contact reads the next contact into c as scanContact reads the columns
// (a NULL text is "", a NULL time the zero time, no map), straight into
// the contact: a scanner's destinations would each escape to the heap, two
// allocations a column.
func (p *packedRow) contact(c *connectd.Contact) error {
	var channel, method string
	texts := [packedTextCount]*string{&c.ID, &c.InitialContactID, &c.PreviousContactID,
		&channel, &method, &c.Name, &c.QueueID}
	for i, dest := range texts {
		v, err := p.text()
		if err != nil {
			return fmt.Errorf("packed row, %s: %w", packedTexts()[i], err)
		}
		*dest = v
	}
	c.Channel, c.InitiationMethod = connectd.Channel(channel), connectd.InitiationMethod(method)
	times := [packedTimeCount]*time.Time{&c.InitiationTimestamp, &c.ScheduledTimestamp, &c.DisconnectTimestamp,
		&c.EnqueueTimestamp}
	for i, dest := range times {
		ms, err := p.time()
		if err != nil {
			return fmt.Errorf("packed row, %s: %w", packedTimes()[i], err)
		}
		*dest = timeOf(ms)
	}
	return nil
}

// text reads one length-prefixed text.
func (p *packedRow) text() (string, error) {
	colon := strings.IndexByte(p.s[p.pos:], ':')
	if colon < 0 {
		return "", fmt.Errorf("no length at byte %d", p.pos)
	}
	digits := p.s[p.pos : p.pos+colon]
	n, err := 0, error(nil)
	if digits != "" { // "" is a NULL's
		n, err = strconv.Atoi(digits)
	}
	start := p.pos + colon + 1
	if err != nil || n < 0 || n > len(p.s)-start {
		return "", fmt.Errorf("bad length %q at byte %d", p.s[p.pos:p.pos+colon], p.pos)
	}
	p.pos = start + n
	return p.s[start:p.pos], nil
}

// time reads one comma-terminated number, or nothing for a NULL.
func (p *packedRow) time() (sql.NullInt64, error) {
	comma := strings.IndexByte(p.s[p.pos:], ',')
	if comma < 0 {
		return sql.NullInt64{}, fmt.Errorf("no comma after byte %d", p.pos)
	}
	digits := p.s[p.pos : p.pos+comma]
	p.pos += comma + 1
	if digits == "" {
		return sql.NullInt64{}, nil
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return sql.NullInt64{}, fmt.Errorf("bad number %q", digits)
	}
	return sql.NullInt64{Int64: v, Valid: true}, nil
}
