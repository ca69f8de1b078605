package connectd

import "strconv"

// TagCondition is one leaf of SearchContacts' ContactTags filter (the
// model's ControlPlaneTagFilter): the contact has tag Key, with Value
// unless Value is nil (a condition without TagValue asks only that the
// key be there).
type TagCondition struct {
	Key   string
	Value *string
}

// TagFilter is a ContactTags filter as the model spells it: an OR of
// ANDs of conditions. The model's three members (OrConditions,
// AndConditions, TagCondition) each become one clause of Clauses, and a
// contact must satisfy every clause; a clause is satisfied when every
// condition of at least one of its groups holds. The API reference does
// not say what giving two of the members means; connectd requires both.
type TagFilter struct {
	Clauses [][][]TagCondition
}

// Matches reports whether tags satisfy f. The stores evaluate the same
// filter in SQL; this is the rule they implement.
func (f *TagFilter) Matches(tags map[string]string) bool {
	for _, clause := range f.Clauses {
		any := false
		for _, group := range clause {
			all := true
			for _, c := range group {
				v, ok := tags[c.Key]
				if !ok || (c.Value != nil && v != *c.Value) {
					all = false
					break
				}
			}
			if all {
				any = true
				break
			}
		}
		if !any {
			return false
		}
	}
	return true
}

// binding writes f into a search token's binding through put.
func (f *TagFilter) binding(put func(...string)) {
	put("tags", strconv.Itoa(len(f.Clauses)))
	for _, clause := range f.Clauses {
		put(strconv.Itoa(len(clause)))
		for _, group := range clause {
			put(strconv.Itoa(len(group)))
			for _, c := range group {
				if c.Value == nil {
					put(c.Key, "-")
				} else {
					put(c.Key, "=", *c.Value)
				}
			}
		}
	}
}
