package sqlite

import (
	"strings"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// searchSQL builds the WHERE clause of a search: conditions and their
// arguments, in order. Every condition is on contacts c.
type searchSQL struct {
	conds []string
	args  []any
	// members is set for a search driven by the members of its criterion
	// that asks nothing else of a contact (membersAlone): the initiation
	// range is then on the members' own column v.at, so that the page
	// reads only contacts_page's columns (migration 0017), not the row.
	members bool
}

func (b *searchSQL) add(cond string, args ...any) {
	b.conds = append(b.conds, cond)
	b.args = append(b.args, args...)
}

func (b *searchSQL) where() string { return strings.Join(b.conds, " AND ") }

// marks returns n comma-separated placeholders.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func anys[T any](in []T, conv func(T) any) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = conv(v)
	}
	return out
}

// dialect is how this store spells a search's columns: times in Unix
// milliseconds, unset ones sorting as the largest number (as NULLs do in
// PostgreSQL); text compares byte by byte already.
func dialect() stored.Dialect {
	return stored.Dialect{TimeSuffix: "_ms", Never: "9223372036854775807"}
}

// attributeMatch is the condition that a chain's map holds key with one
// of values, through the index's primary key: one probe per contact.
const attributeMatch = `EXISTS (SELECT 1 FROM contact_attribute_index x
	WHERE x.instance_id = c.instance_id AND x.initial_contact_id = c.initial_contact_id
		AND x.name = ? AND x.value IN (%s) AND x.initiated_ms >= ?)`

// mapMatch is attributeMatch for a key the index does not hold yet: the
// chain map itself, on the initial contact's row, has key with one of
// values, as the index would say: no value longer than it indexes. It
// parses the map of every contact it is asked about, so it is slow, and
// only serves until the backfill makes the key ready.
const mapMatch = `EXISTS (SELECT 1 FROM contacts m, json_each(m.attributes) j
	WHERE m.instance_id = c.instance_id AND m.id = c.initial_contact_id
		AND j.key = ? AND j.value IN (%s) AND m.initiated_ms >= ? AND length(j.value) <= 100)`

// filters adds every condition of q except the attribute criteria and
// the keyset position.
func (b *searchSQL) filters(q *connectd.SearchQuery, cutoff int64) {
	col := dialect().TimeColumn(q.TimeRange)
	switch {
	case q.TimeRange == connectd.TimeInitiation:
		// One range on initiated_ms, its lower bound the later of the
		// search's start and the cutoff: given two, SQLite without
		// sqlite_stat1 bounded its index walk by the first, the cutoff,
		// and read every live contact of the instance (issue 18).
		if b.members {
			col = "v.at" // a member's initiated_ms is its contact's
		}
		b.add("c.instance_id = ? AND "+col+" BETWEEN ? AND ?", q.InstanceID, max(q.Start.UnixMilli(), cutoff), q.End.UnixMilli())
	case col != "":
		b.add("c.instance_id = ? AND c.initiated_ms >= ?", q.InstanceID, cutoff)
		b.add(col+" BETWEEN ? AND ?", q.Start.UnixMilli(), q.End.UnixMilli())
	default:
		b.add("c.instance_id = ? AND c.initiated_ms >= ?", q.InstanceID, cutoff)
		b.add("0 = 1")
	}
	if len(q.Channels) > 0 {
		b.add("c.channel IN ("+marks(len(q.Channels))+")", anys(q.Channels, func(v connectd.Channel) any { return string(v) })...)
	}
	if len(q.InitiationMethods) > 0 {
		b.add("c.initiation_method IN ("+marks(len(q.InitiationMethods))+")",
			anys(q.InitiationMethods, func(v connectd.InitiationMethod) any { return string(v) })...)
	}
	if len(q.QueueIDs) > 0 {
		b.add("c.queue_id IN ("+marks(len(q.QueueIDs))+")", anys(q.QueueIDs, func(v string) any { return v })...)
	}
	if len(q.AgentIDs) > 0 {
		b.add("0 = 1") // connectd has no agents
	}
	if q.Name != nil && len(q.Name.Texts) > 0 {
		b.name(q.Name)
	}
	if q.Tags != nil {
		b.tags(q.Tags)
	}
}

// name adds the name criteria: case-insensitive substrings (lower() folds
// ASCII only, in both stores), or whole names for MATCH_EXACT.
func (b *searchSQL) name(n *connectd.NameCriteria) {
	texts := anys(n.Texts, func(v string) any { return v })
	if n.Match == connectd.MatchExact {
		b.add("lower(c.name) IN ("+strings.TrimSuffix(strings.Repeat("lower(?), ", len(texts)), ", ")+")", texts...)
		return
	}
	parts := make([]string, len(texts))
	for i := range parts {
		parts[i] = "instr(lower(c.name), lower(?)) > 0"
	}
	switch n.Match {
	case connectd.MatchAll:
		b.add("("+strings.Join(parts, " AND ")+")", texts...)
	case connectd.MatchNone:
		b.add("NOT ("+strings.Join(parts, " OR ")+")", texts...)
	default: // MATCH_ANY
		b.add("("+strings.Join(parts, " OR ")+")", texts...)
	}
}

// attributes adds the attribute criteria, except the one at index skip
// (which the caller drives the query from), combined by their match type.
func (b *searchSQL) attributes(a *connectd.AttributeCriteria, cutoff int64, skip int) {
	var parts []string
	var args []any
	for i, c := range a.Criteria {
		if i == skip {
			continue
		}
		if len(c.Values) == 0 {
			parts = append(parts, "0 = 1")
			continue
		}
		match := attributeMatch
		if !c.Indexed {
			match = mapMatch
		}
		parts = append(parts, strings.Replace(match, "%s", marks(len(c.Values)), 1))
		args = append(args, c.Key)
		args = append(args, anys(c.Values, func(v string) any { return v })...)
		args = append(args, cutoff)
	}
	switch {
	case len(parts) == 0:
	case a.Match == connectd.MatchAny:
		b.add("("+strings.Join(parts, " OR ")+")", args...)
	default:
		b.add(strings.Join(parts, " AND "), args...)
	}
}

// after adds the keyset condition: rows after the cursor in sort order.
func (b *searchSQL) after(q *connectd.SearchQuery, cur *connectd.SearchCursor, col, id string) {
	op := ">"
	if q.Descending {
		op = "<"
	}
	var key any = cur.Num
	if q.Sort == connectd.SortChannel || q.Sort == connectd.SortInitiationMethod {
		key = cur.Str
	}
	b.add("("+col+", "+id+") "+op+" (?, ?)", key, cur.ID)
}
