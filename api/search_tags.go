package api

import "github.com/connectd/connectd"

// contactTagsInput is SearchCriteria.ContactTags, the model's
// ControlPlaneTagFilter: an OR of ANDs (OrConditions), one AND
// (AndConditions) or one condition (TagCondition).
type contactTagsInput struct {
	OrConditions  [][]tagConditionInput
	AndConditions []tagConditionInput
	TagCondition  *tagConditionInput
}

type tagConditionInput struct {
	TagKey   string
	TagValue *string
}

// filter returns the domain's filter, or nil when no member is given. An
// empty list is taken as absent, as a client that builds the filter from
// an empty set means no condition rather than no match.
func (t *contactTagsInput) filter() *connectd.TagFilter {
	if t == nil {
		return nil
	}
	group := func(in []tagConditionInput) []connectd.TagCondition {
		out := make([]connectd.TagCondition, len(in))
		for i, c := range in {
			out[i] = connectd.TagCondition{Key: c.TagKey, Value: c.TagValue}
		}
		return out
	}
	f := &connectd.TagFilter{}
	if len(t.OrConditions) > 0 {
		var clause [][]connectd.TagCondition
		for _, g := range t.OrConditions {
			clause = append(clause, group(g))
		}
		f.Clauses = append(f.Clauses, clause)
	}
	if len(t.AndConditions) > 0 {
		f.Clauses = append(f.Clauses, [][]connectd.TagCondition{group(t.AndConditions)})
	}
	if t.TagCondition != nil {
		f.Clauses = append(f.Clauses, [][]connectd.TagCondition{group([]tagConditionInput{*t.TagCondition})})
	}
	if len(f.Clauses) == 0 {
		return nil
	}
	return f
}
