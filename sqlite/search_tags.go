package sqlite

import (
	"strings"

	"github.com/connectd/connectd"
)

// tagMatch is the condition that contact c has one tag (key and value),
// through contact_details' primary key and the JSON object's members.
const (
	tagMatch = `EXISTS (SELECT 1 FROM contact_details d, json_each(d.tags) t
	WHERE d.instance_id = c.instance_id AND d.contact_id = c.id AND t.key = ? AND t.value = ?)`
	tagKeyMatch = `EXISTS (SELECT 1 FROM contact_details d, json_each(d.tags) t
	WHERE d.instance_id = c.instance_id AND d.contact_id = c.id AND t.key = ?)`
)

// tags adds the ContactTags filter as connectd.TagFilter.Matches defines
// it: every clause, each an OR of ANDs.
func (b *searchSQL) tags(f *connectd.TagFilter) {
	var args []any
	clauses := make([]string, 0, len(f.Clauses))
	for _, clause := range f.Clauses {
		groups := make([]string, 0, len(clause))
		for _, group := range clause {
			conds := []string{"1 = 1"}
			for _, c := range group {
				if c.Value == nil {
					conds = append(conds, tagKeyMatch)
					args = append(args, c.Key)
				} else {
					conds = append(conds, tagMatch)
					args = append(args, c.Key, *c.Value)
				}
			}
			groups = append(groups, "("+strings.Join(conds, " AND ")+")")
		}
		if len(groups) == 0 {
			groups = append(groups, "0 = 1")
		}
		clauses = append(clauses, "("+strings.Join(groups, " OR ")+")")
	}
	if len(clauses) > 0 {
		b.add(strings.Join(clauses, " AND "), args...)
	}
}
