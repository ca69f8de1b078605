package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/connectd/connectd"
)

// A search's page reads each contact's columns packed by SQLite into one
// text (packedColumns), which Go slices apart (packedRow): the driver takes
// the connection's mutex and converts a value for every column of every
// row, so the 17 columns of a page of 101 contacts cost about 7 µs a
// contact, more than the page's two B-tree lookups a contact. One text is
// one value a row, and every string of the contact shares it. Measured
// (issue 18, BENCHMARKS.md "session 4"): a page's query 25 % less CPU
// alone, a whole search of a common value 5-7 % less.
//
// The text holds, for each column of packedTexts, its length in bytes, a
// colon and its bytes (a NULL is no length and nothing: it reads back as
// "", as scanContact reads a NULL text), then, for each column of packedTimes,
// its digits (none for a NULL) and a comma. Lengths make any byte safe in
// a text, a separator included.
const packedTextCount, packedTimeCount = 11, 5

// packedTexts and packedTimes are the packed columns, in scanContact's
// order (functions, not variables: the package keeps no mutable state).
func packedTexts() []string {
	return []string{"c.instance_id", "c.id", "c.initial_contact_id", "c.previous_contact_id",
		"c.related_contact_id", "c.channel", "c.initiation_method", "c.name", "c.description",
		"c.queue_id", "c.client_token"}
}

func packedTimes() []string {
	return []string{"c.initiated_ms", "c.scheduled_ms", "c.disconnected_ms", "c.updated_ms", "c.enqueued_ms"}
}

// packedColumns is the page's one column: every column above, in
// scanContact's order, joined by concat() in one call (a chain of || cost
// more than the columns it replaced, and printf's %s stops at a NUL byte,
// which concat keeps, so that the lengths stay right). concat takes a
// NULL as "", so a NULL text's length reads "" (0) and a NULL time "".
func packedColumns() string {
	parts := make([]string, 0, 3*packedTextCount+2*packedTimeCount)
	for _, col := range packedTexts() {
		parts = append(parts, "length(CAST("+col+" AS BLOB))", "':'", col)
	}
	for _, col := range packedTimes() {
		parts = append(parts, col, "','")
	}
	return "concat(" + strings.Join(parts, ", ") + ")"
}

// pageContacts runs a search's page query, whose one column is
// packedColumns, and returns its contacts, without maps.
func pageContacts(ctx context.Context, q querier, query string, args ...any) ([]*connectd.Contact, error) {
	rs, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	defer rs.Close()
	out := []*connectd.Contact{}
	for rs.Next() {
		var row string
		if err := rs.Scan(&row); err != nil {
			return nil, fmt.Errorf("page: %w", err)
		}
		c, err := (&packedRow{s: row}).contact()
		if err != nil {
			return nil, fmt.Errorf("page: %w", err)
		}
		out = append(out, c)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	return out, nil
}

// packedRow is one packed text being read.
type packedRow struct {
	s   string
	pos int
}

// contact reads the row as scanContact reads the columns (a NULL text is
// "", a NULL time the zero time, no map), straight into the contact: a
// scanner's destinations would each escape to the heap, two allocations a
// column.
func (p *packedRow) contact() (*connectd.Contact, error) {
	c := &connectd.Contact{}
	var channel, method string
	texts := [packedTextCount]*string{&c.InstanceID, &c.ID, &c.InitialContactID, &c.PreviousContactID,
		&c.RelatedContactID, &channel, &method, &c.Name, &c.Description, &c.QueueID, &c.ClientToken}
	for i, dest := range texts {
		v, err := p.text()
		if err != nil {
			return nil, fmt.Errorf("packed row, %s: %w", packedTexts()[i], err)
		}
		*dest = v
	}
	c.Channel, c.InitiationMethod = connectd.Channel(channel), connectd.InitiationMethod(method)
	times := [packedTimeCount]*time.Time{&c.InitiationTimestamp, &c.ScheduledTimestamp, &c.DisconnectTimestamp,
		&c.LastUpdateTimestamp, &c.EnqueueTimestamp}
	for i, dest := range times {
		ms, err := p.time()
		if err != nil {
			return nil, fmt.Errorf("packed row, %s: %w", packedTimes()[i], err)
		}
		*dest = timeOf(ms)
	}
	if p.pos != len(p.s) {
		return nil, fmt.Errorf("packed row: %d bytes left over", len(p.s)-p.pos)
	}
	return c, nil
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
