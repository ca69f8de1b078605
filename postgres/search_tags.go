package postgres

import (
	"strings"

	"github.com/connectd/connectd"
)

// tags adds the ContactTags filter as connectd.TagFilter.Matches defines
// it: every clause, each an OR of ANDs. Tag values are JSON strings, never
// null, so ->> is NULL exactly when the key is absent.
func (b *searchSQL) tags(f *connectd.TagFilter) {
	const has = `EXISTS (SELECT 1 FROM contact_details d
		WHERE d.instance_id = c.instance_id AND d.contact_id = c.id AND d.tags ->> `
	clauses := make([]string, 0, len(f.Clauses))
	for _, clause := range f.Clauses {
		groups := make([]string, 0, len(clause))
		for _, group := range clause {
			conds := []string{"true"}
			for _, c := range group {
				if c.Value == nil {
					conds = append(conds, has+b.arg(c.Key)+" IS NOT NULL)")
				} else {
					conds = append(conds, has+b.arg(c.Key)+" = "+b.arg(*c.Value)+")")
				}
			}
			groups = append(groups, "("+strings.Join(conds, " AND ")+")")
		}
		if len(groups) == 0 {
			groups = append(groups, "false")
		}
		clauses = append(clauses, "("+strings.Join(groups, " OR ")+")")
	}
	if len(clauses) > 0 {
		b.conds = append(b.conds, strings.Join(clauses, " AND "))
	}
}
