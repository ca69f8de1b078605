package api

import (
	"github.com/connectd/connectd"
)

// searchQuery turns a SearchContacts request, already checked against the
// model by op, into the domain's query, applying the rules the model cannot
// say. Every violation is EINVALID (InvalidParameterException, which
// SearchContacts models).
func searchQuery(in *searchContactsInput) (*connectd.SearchQuery, error) {
	tr := in.TimeRange
	q := &connectd.SearchQuery{InstanceID: in.InstanceId, Sort: connectd.SortInitiation, NextToken: deref(in.NextToken),
		TimeRange: connectd.TimeRangeType(tr.Type), Start: tr.StartTime.Time(), End: tr.EndTime.Time()}
	if in.MaxResults != nil {
		q.Limit = int(*in.MaxResults)
	}
	if q.Start.After(q.End) {
		return nil, connectd.Errorf(connectd.EINVALID, "Member TimeRange.StartTime must not be after TimeRange.EndTime.")
	}
	if in.Sort != nil {
		q.Sort, q.Descending = connectd.SortField(in.Sort.FieldName), in.Sort.Order == "DESCENDING"
	}
	if sc := in.SearchCriteria; sc != nil {
		return q, searchCriteria(sc, q)
	}
	return q, nil
}

// searchCriteria copies SearchCriteria into q.
func searchCriteria(sc *searchCriteriaInput, q *connectd.SearchQuery) error {
	// Criteria on data connectd does not keep (agents' hierarchy, routing,
	// transcripts, segment attributes, regions) are refused rather
	// than answered with a result that only looks right.
	for _, m := range []struct {
		name string
		raw  []byte
	}{
		{"AgentHierarchyGroups", sc.AgentHierarchyGroups}, {"ContactAnalysis", sc.ContactAnalysis},
		{"RoutingCriteria", sc.RoutingCriteria}, {"AdditionalTimeRange", sc.AdditionalTimeRange},
		{"SearchableSegmentAttributes", sc.SearchableSegmentAttributes}, {"ActiveRegions", sc.ActiveRegions},
		{"AiAgents", sc.AiAgents},
	} {
		if len(m.raw) > 0 && string(m.raw) != "null" {
			return connectd.Errorf(connectd.EINVALID, "connectd does not support SearchCriteria.%s: it keeps no such data.", m.name)
		}
	}
	for _, ch := range sc.Channels {
		q.Channels = append(q.Channels, connectd.Channel(ch))
	}
	for _, m := range sc.InitiationMethods {
		q.InitiationMethods = append(q.InitiationMethods, connectd.InitiationMethod(m))
	}
	q.AgentIDs, q.QueueIDs = sc.AgentIds, sc.QueueIds
	q.Tags = sc.ContactTags.filter()
	if n := sc.Name; n != nil {
		q.Name = &connectd.NameCriteria{Texts: n.SearchText, Match: connectd.MatchType(n.MatchType)}
	}
	if a := sc.SearchableContactAttributes; a != nil {
		// The API reference lists only MATCH_ALL and MATCH_ANY here; the
		// model's enum has MATCH_EXACT and MATCH_NONE too.
		if a.MatchType != nil && *a.MatchType != string(connectd.MatchAll) && *a.MatchType != string(connectd.MatchAny) {
			return connectd.Errorf(connectd.EINVALID,
				"Member SearchCriteria.SearchableContactAttributes.MatchType must be one of MATCH_ALL, MATCH_ANY; got %q.", *a.MatchType)
		}
		q.Attributes = &connectd.AttributeCriteria{Match: connectd.MatchAll}
		if a.MatchType != nil {
			q.Attributes.Match = connectd.MatchType(*a.MatchType)
		}
		for _, c := range a.Criteria {
			q.Attributes.Criteria = append(q.Attributes.Criteria, connectd.AttributeCriterion{Key: c.Key, Values: c.Values})
		}
	}
	return nil
}
