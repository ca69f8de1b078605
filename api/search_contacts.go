package api

import (
	"context"
	"encoding/json"
)

// searchContactsInput is SearchContacts' request. Criteria on data
// connectd does not hold are kept raw, only to be refused by name.
type searchContactsInput struct {
	InstanceId string
	TimeRange  struct {
		Type               string
		StartTime, EndTime *epoch
	}
	SearchCriteria *searchCriteriaInput
	MaxResults     *int64
	NextToken      *string
	Sort           *struct{ FieldName, Order string }
}

type searchCriteriaInput struct {
	AgentIds          []string
	Channels          []string
	InitiationMethods []string
	QueueIds          []string
	Name              *struct {
		SearchText []string
		MatchType  string
	}
	SearchableContactAttributes *struct {
		Criteria []struct {
			Key    string
			Values []string
		}
		MatchType *string
	}
	AgentHierarchyGroups        json.RawMessage
	ContactAnalysis             json.RawMessage
	RoutingCriteria             json.RawMessage
	AdditionalTimeRange         json.RawMessage
	SearchableSegmentAttributes json.RawMessage
	ActiveRegions               json.RawMessage
	ContactTags                 *contactTagsInput
	AiAgents                    json.RawMessage
}

// wireContactSearchSummary is the model's ContactSearchSummary, with the
// members connectd keeps. It has no Attributes member.
type wireContactSearchSummary struct {
	Arn                 string            `json:"Arn"`
	Id                  string            `json:"Id"`
	InitialContactId    string            `json:"InitialContactId,omitempty"`
	PreviousContactId   string            `json:"PreviousContactId,omitempty"`
	InitiationMethod    string            `json:"InitiationMethod"`
	Channel             string            `json:"Channel"`
	Name                string            `json:"Name,omitempty"`
	QueueInfo           *wireQueueInfo    `json:"QueueInfo,omitempty"`
	InitiationTimestamp *epoch            `json:"InitiationTimestamp,omitempty"`
	DisconnectTimestamp *epoch            `json:"DisconnectTimestamp,omitempty"`
	ScheduledTimestamp  *epoch            `json:"ScheduledTimestamp,omitempty"`
	Tags                map[string]string `json:"Tags,omitempty"`
}

// searchContactsOutput always sends Contacts, a required member, as a
// list: an empty result is [], never null.
type searchContactsOutput struct {
	Contacts   []wireContactSearchSummary `json:"Contacts"`
	NextToken  string                     `json:"NextToken,omitempty"`
	TotalCount int64                      `json:"TotalCount"`
}

func (s *Server) searchContacts(ctx context.Context, c *call, in *searchContactsInput) (any, error) {
	q, err := searchQuery(in)
	if err != nil {
		return nil, err
	}
	page, err := s.cfg.Service.SearchContacts(ctx, c.owner, q)
	if err != nil {
		return nil, err
	}
	out := searchContactsOutput{Contacts: make([]wireContactSearchSummary, 0, len(page.Contacts)),
		NextToken: page.NextToken, TotalCount: page.TotalCount}
	for _, ct := range page.Contacts {
		w := wireContactSearchSummary{
			Arn: contactARN(c.owner, q.InstanceID, ct.ID), Id: ct.ID, InitialContactId: ct.InitialContactID,
			PreviousContactId: ct.PreviousContactID, InitiationMethod: string(ct.InitiationMethod),
			Channel: string(ct.Channel), Name: ct.Name,
			InitiationTimestamp: epochOf(ct.InitiationTimestamp), DisconnectTimestamp: epochOf(ct.DisconnectTimestamp),
			ScheduledTimestamp: epochOf(ct.ScheduledTimestamp), Tags: ct.Tags,
		}
		if ct.QueueID != "" {
			w.QueueInfo = &wireQueueInfo{Id: ct.QueueID, EnqueueTimestamp: epochOf(ct.EnqueueTimestamp)}
		}
		out.Contacts = append(out.Contacts, w)
	}
	return out, nil
}
