package postgres

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
	"github.com/jackc/pgx/v5/pgtype"
)

// searchSQL builds the WHERE clause of a search on contacts c: conditions
// with numbered placeholders, and their arguments. Lists go as arrays
// (= ANY($n)), so a query's text does not depend on their lengths.
type searchSQL struct {
	conds []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (b *searchSQL) arg(v any) string {
	b.args = append(b.args, v)
	return fmt.Sprintf("$%d", len(b.args))
}

func (b *searchSQL) where() string { return strings.Join(b.conds, " AND ") }

func asStrings[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

// dialect is how this store spells a search's columns: timestamptz,
// unset times sorting as infinity; text compared byte by byte, as in
// SQLite and Go, whatever the database's collation.
func dialect() stored.Dialect {
	return stored.Dialect{TimeSuffix: "_at", Never: "'infinity'::timestamptz", Bytewise: ` COLLATE "C"`}
}

// filters adds every condition of q but the keyset position.
func (b *searchSQL) filters(q *connectd.SearchQuery, cutoff time.Time) {
	b.conds = append(b.conds, "c.instance_id = "+b.arg(q.InstanceID), "c.initiated_at >= "+b.arg(cutoff))
	if col := dialect().TimeColumn(q.TimeRange); col != "" {
		b.conds = append(b.conds, col+" BETWEEN "+b.arg(q.Start)+" AND "+b.arg(q.End))
	} else {
		b.conds = append(b.conds, "false")
	}
	if len(q.Channels) > 0 {
		b.conds = append(b.conds, "c.channel = ANY("+b.arg(asStrings(q.Channels))+")")
	}
	if len(q.InitiationMethods) > 0 {
		b.conds = append(b.conds, "c.initiation_method = ANY("+b.arg(asStrings(q.InitiationMethods))+")")
	}
	if len(q.QueueIDs) > 0 {
		b.conds = append(b.conds, "c.queue_id = ANY("+b.arg(q.QueueIDs)+")")
	}
	if len(q.AgentIDs) > 0 {
		b.conds = append(b.conds, "false") // connectd has no agents
	}
	if q.Name != nil && len(q.Name.Texts) > 0 {
		b.name(q.Name)
	}
	if q.Tags != nil {
		b.tags(q.Tags)
	}
	if q.Attributes != nil {
		b.attributes(q.Attributes, cutoff)
	}
}

// name adds the name criteria: case-insensitive substrings (as in the
// sqlite store, only ASCII letters are folded), or whole names for
// MATCH_EXACT.
func (b *searchSQL) name(n *connectd.NameCriteria) {
	texts := make([]string, len(n.Texts))
	for i, t := range n.Texts {
		texts[i] = asciiLower(t)
	}
	lower := `translate(c.name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`
	if n.Match == connectd.MatchExact {
		b.conds = append(b.conds, lower+" = ANY("+b.arg(texts)+")")
		return
	}
	parts := make([]string, len(texts))
	for i, t := range texts {
		parts[i] = "strpos(" + lower + ", " + b.arg(t) + ") > 0"
	}
	switch n.Match {
	case connectd.MatchAll:
		b.conds = append(b.conds, "("+strings.Join(parts, " AND ")+")")
	case connectd.MatchNone:
		b.conds = append(b.conds, "NOT ("+strings.Join(parts, " OR ")+")")
	default: // MATCH_ANY
		b.conds = append(b.conds, "("+strings.Join(parts, " OR ")+")")
	}
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// attributes adds the attribute criteria, each a semi-join on the index
// (the planner may drive the query from either side, by its statistics),
// combined by their match type.
func (b *searchSQL) attributes(a *connectd.AttributeCriteria, cutoff time.Time) {
	var parts []string
	for _, c := range a.Criteria {
		if len(c.Values) == 0 {
			parts = append(parts, "false")
			continue
		}
		if !c.Indexed {
			// A key the index does not hold yet: the chain map itself,
			// as the index would say (no value longer than it indexes).
			// Slow, and only until the backfill makes the key ready.
			key := b.arg(c.Key)
			parts = append(parts, `EXISTS (SELECT 1 FROM contacts m
				WHERE m.instance_id = c.instance_id AND m.id = c.initial_contact_id
					AND m.attributes ->> `+key+` = ANY(`+b.arg(c.Values)+`)
					AND char_length(m.attributes ->> `+key+`) <= 100
					AND m.initiated_at >= `+b.arg(cutoff)+`)`)
			continue
		}
		parts = append(parts, `EXISTS (SELECT 1 FROM contact_attribute_index x
			WHERE x.instance_id = c.instance_id AND x.initial_contact_id = c.initial_contact_id
				AND x.name = `+b.arg(c.Key)+` AND x.value = ANY(`+b.arg(c.Values)+`)
				AND x.initiated_at >= `+b.arg(cutoff)+`)`)
	}
	switch {
	case len(parts) == 0:
	case a.Match == connectd.MatchAny:
		b.conds = append(b.conds, "("+strings.Join(parts, " OR ")+")")
	default:
		b.conds = append(b.conds, parts...)
	}
}

// after adds the keyset condition: rows after the cursor in sort order.
func (b *searchSQL) after(q *connectd.SearchQuery, cur *connectd.SearchCursor) {
	op := ">"
	if q.Descending {
		op = "<"
	}
	var key any
	switch {
	case q.Sort == connectd.SortChannel || q.Sort == connectd.SortInitiationMethod:
		key = cur.Str
	case cur.Num == math.MaxInt64:
		key = pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true}
	default:
		key = time.UnixMilli(cur.Num).UTC()
	}
	b.conds = append(b.conds, "("+dialect().SortExpr(q.Sort)+", c.id) "+op+" ("+b.arg(key)+", "+b.arg(cur.ID)+")")
}
