package api

import (
	"fmt"

	"github.com/connectd/connectd"
)

// searchQuery validates a SearchContacts request against the model and
// turns it into the domain's query. Every violation is EINVALID
// (InvalidParameterException, which SearchContacts models).
func searchQuery(in *searchContactsInput) (*connectd.SearchQuery, error) {
	var v validator
	v.reqLength("InstanceId", in.InstanceId, 1, 100)
	v.required("TimeRange", in.TimeRange != nil)
	v.rangeInt("MaxResults", in.MaxResults, 1, connectd.MaxSearchResults)
	v.optLength("NextToken", in.NextToken, 1, 100000)
	if v.err != nil {
		return nil, v.err
	}
	q := &connectd.SearchQuery{InstanceID: *in.InstanceId, Sort: connectd.SortInitiation, NextToken: deref(in.NextToken)}
	if in.MaxResults != nil {
		q.Limit = int(*in.MaxResults)
	}
	tr := in.TimeRange
	v.required("TimeRange.Type", tr.Type != nil)
	v.optOneOf("TimeRange.Type", tr.Type, asStrings(connectd.TimeRangeTypes())...)
	v.required("TimeRange.StartTime", tr.StartTime != nil)
	v.required("TimeRange.EndTime", tr.EndTime != nil)
	if v.err != nil {
		return nil, v.err
	}
	q.TimeRange, q.Start, q.End = connectd.TimeRangeType(*tr.Type), tr.StartTime.Time(), tr.EndTime.Time()
	if q.Start.After(q.End) {
		v.fail("Member TimeRange.StartTime must not be after TimeRange.EndTime.")
	}
	if in.Sort != nil {
		v.required("Sort.FieldName", in.Sort.FieldName != nil)
		v.optOneOf("Sort.FieldName", in.Sort.FieldName, asStrings(connectd.SortFields())...)
		v.required("Sort.Order", in.Sort.Order != nil)
		v.optOneOf("Sort.Order", in.Sort.Order, "ASCENDING", "DESCENDING")
		if v.err == nil {
			q.Sort, q.Descending = connectd.SortField(*in.Sort.FieldName), *in.Sort.Order == "DESCENDING"
		}
	}
	if in.SearchCriteria != nil && v.err == nil {
		searchCriteria(&v, in, q)
	}
	if v.err != nil {
		return nil, v.err
	}
	return q, nil
}

// searchCriteria checks SearchCriteria and copies it into q.
func searchCriteria(v *validator, in *searchContactsInput, q *connectd.SearchQuery) {
	sc := in.SearchCriteria
	// Criteria on data connectd does not keep (agents' hierarchy, routing,
	// transcripts, segment attributes, tags, regions) are refused rather
	// than answered with a result that only looks right.
	for _, m := range []struct {
		name string
		raw  []byte
	}{
		{"AgentHierarchyGroups", sc.AgentHierarchyGroups}, {"ContactAnalysis", sc.ContactAnalysis},
		{"RoutingCriteria", sc.RoutingCriteria}, {"AdditionalTimeRange", sc.AdditionalTimeRange},
		{"SearchableSegmentAttributes", sc.SearchableSegmentAttributes}, {"ActiveRegions", sc.ActiveRegions},
		{"ContactTags", sc.ContactTags}, {"AiAgents", sc.AiAgents},
	} {
		if len(m.raw) > 0 && string(m.raw) != "null" {
			v.fail("connectd does not support SearchCriteria.%s: it keeps no such data.", m.name)
		}
	}
	listMax(v, "SearchCriteria.AgentIds", sc.AgentIds, 100)
	listMax(v, "SearchCriteria.QueueIds", sc.QueueIds, 100)
	for i, ch := range sc.Channels {
		v.oneOf(fmt.Sprintf("SearchCriteria.Channels[%d]", i), ch, asStrings(connectd.Channels())...)
		q.Channels = append(q.Channels, connectd.Channel(ch))
	}
	for i, m := range sc.InitiationMethods {
		v.oneOf(fmt.Sprintf("SearchCriteria.InitiationMethods[%d]", i), m, asStrings(connectd.InitiationMethods())...)
		q.InitiationMethods = append(q.InitiationMethods, connectd.InitiationMethod(m))
	}
	q.AgentIDs, q.QueueIDs = sc.AgentIds, sc.QueueIds
	if n := sc.Name; n != nil {
		v.required("SearchCriteria.Name.SearchText", n.SearchText != nil)
		listMax(v, "SearchCriteria.Name.SearchText", n.SearchText, 100)
		for i, t := range n.SearchText {
			v.length(fmt.Sprintf("SearchCriteria.Name.SearchText[%d]", i), t, 0, 128)
		}
		v.required("SearchCriteria.Name.MatchType", n.MatchType != nil)
		v.optOneOf("SearchCriteria.Name.MatchType", n.MatchType, "MATCH_ALL", "MATCH_ANY", "MATCH_EXACT", "MATCH_NONE")
		q.Name = &connectd.NameCriteria{Texts: n.SearchText, Match: connectd.MatchType(deref(n.MatchType))}
	}
	if a := sc.SearchableContactAttributes; a != nil {
		const name = "SearchCriteria.SearchableContactAttributes"
		v.required(name+".Criteria", a.Criteria != nil)
		if len(a.Criteria) > 15 {
			v.fail("Member %s.Criteria must have at most 15 items; it has %d.", name, len(a.Criteria))
		}
		// The API reference lists only MATCH_ALL and MATCH_ANY here.
		v.optOneOf(name+".MatchType", a.MatchType, "MATCH_ALL", "MATCH_ANY")
		q.Attributes = &connectd.AttributeCriteria{Match: connectd.MatchAll}
		if a.MatchType != nil {
			q.Attributes.Match = connectd.MatchType(*a.MatchType)
		}
		for i, c := range a.Criteria {
			item := fmt.Sprintf("%s.Criteria[%d]", name, i)
			v.reqLength(item+".Key", c.Key, 1, 100)
			v.required(item+".Values", c.Values != nil)
			listMax(v, item+".Values", c.Values, 20)
			for j, val := range c.Values {
				v.length(fmt.Sprintf("%s.Values[%d]", item, j), val, 0, 100)
			}
			q.Attributes.Criteria = append(q.Attributes.Criteria, connectd.AttributeCriterion{Key: deref(c.Key), Values: c.Values})
		}
	}
}

// listMax checks the model's maximum number of items of a list.
func listMax(v *validator, name string, list []string, max int) {
	if len(list) > max {
		v.fail("Member %s must have at most %d items; it has %d.", name, max, len(list))
	}
}

func asStrings[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = string(s)
	}
	return out
}
