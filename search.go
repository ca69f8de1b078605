package connectd

import (
	"math"
	"slices"
	"time"
)

// TimeRangeType names the contact timestamp a search's time range applies to.
type TimeRangeType string

// The model's SearchContactsTimeRangeType values. connectd records no time
// of connection to an agent and no enqueue time, so ranges of those types
// match no contact.
const (
	TimeInitiation       TimeRangeType = "INITIATION_TIMESTAMP"
	TimeScheduled        TimeRangeType = "SCHEDULED_TIMESTAMP"
	TimeConnectedToAgent TimeRangeType = "CONNECTED_TO_AGENT_TIMESTAMP"
	TimeDisconnect       TimeRangeType = "DISCONNECT_TIMESTAMP"
	TimeEnqueue          TimeRangeType = "ENQUEUE_TIMESTAMP"
)

// TimeRangeTypes lists every time range type of the model.
func TimeRangeTypes() []TimeRangeType {
	return []TimeRangeType{TimeInitiation, TimeScheduled, TimeConnectedToAgent, TimeDisconnect, TimeEnqueue}
}

// SortField is a field search results can be sorted by.
type SortField string

// The model's SortableFieldName values.
const (
	SortInitiation       SortField = "INITIATION_TIMESTAMP"
	SortScheduled        SortField = "SCHEDULED_TIMESTAMP"
	SortConnectedToAgent SortField = "CONNECTED_TO_AGENT_TIMESTAMP"
	SortDisconnect       SortField = "DISCONNECT_TIMESTAMP"
	SortInitiationMethod SortField = "INITIATION_METHOD"
	SortChannel          SortField = "CHANNEL"
	// SortExpiry is the end of retention, InitiationTimestamp plus
	// RetentionMonths, so it orders contacts as SortInitiation does.
	SortExpiry SortField = "EXPIRY_TIMESTAMP"
)

// SortFields lists every sortable field of the model.
func SortFields() []SortField {
	return []SortField{SortInitiation, SortScheduled, SortConnectedToAgent, SortDisconnect,
		SortInitiationMethod, SortChannel, SortExpiry}
}

// MatchType combines several criteria (or search texts).
type MatchType string

// The model's SearchContactsMatchType values.
const (
	MatchAll   MatchType = "MATCH_ALL"
	MatchAny   MatchType = "MATCH_ANY"
	MatchExact MatchType = "MATCH_EXACT"
	MatchNone  MatchType = "MATCH_NONE"
)

// SearchQuery is one SearchContacts request in domain terms. Empty lists
// do not filter, except AgentIDs: connectd has no agents, so a non-empty
// AgentIDs matches no contact.
type SearchQuery struct {
	InstanceID        string
	TimeRange         TimeRangeType
	Start, End        time.Time // inclusive bounds of the time range
	Channels          []Channel
	InitiationMethods []InitiationMethod
	QueueIDs          []string
	AgentIDs          []string
	// Name, if set, matches contact names: each text is a
	// case-insensitive (ASCII) substring; MatchExact compares whole names.
	Name *NameCriteria
	// Attributes, if set, matches the contact's current (chain) attributes.
	Attributes *AttributeCriteria
	// Tags, if set, matches the contact's own tags (see TagFilter).
	Tags       *TagFilter
	Sort       SortField
	Descending bool
	// Limit is the page size, MaxSearchResults if it is not between 1 and
	// MaxSearchResults; NextToken continues a previous page.
	Limit     int
	NextToken string
}

// NameCriteria matches contact names against texts.
type NameCriteria struct {
	Texts []string
	Match MatchType
}

// AttributeCriteria matches user-defined attributes: a criterion matches
// when the chain's value for Key equals one of Values; MatchAll needs every
// criterion, MatchAny at least one.
type AttributeCriteria struct {
	Criteria []AttributeCriterion
	Match    MatchType
}

// AttributeCriterion is one key and the values it may have.
type AttributeCriterion struct {
	Key    string
	Values []string
	// Indexed is set by the Service for the store: the search index holds
	// every pair of Key, so the store may answer from it; when false, the
	// store matches the chain maps themselves (search_index.go).
	Indexed bool
}

// SearchPage is one page of results.
type SearchPage struct {
	Contacts   []*Contact // without Attributes: search summaries carry none
	NextToken  string     // "" on the last page
	TotalCount int64      // every match, over all pages
}

// MaxSearchResults is the largest page of a search (the model's MaxResults
// range is 1 to 100), and the page size of a query with no Limit.
const MaxSearchResults = 100

// SearchIndexMaxLength is the longest key or value, in characters, that
// stores index: the model lets a search name keys and values of at most 100
// characters, so longer ones can never match and are not indexed.
const SearchIndexMaxLength = 100

// CheckSearchable returns EINVALID naming the first key of q's criteria
// that is not in searchable; a nil searchable allows every key.
func (q *SearchQuery) CheckSearchable(searchable []string) error {
	if searchable == nil || q.Attributes == nil {
		return nil
	}
	for _, c := range q.Attributes.Criteria {
		if !slices.Contains(searchable, c.Key) {
			return Errorf(EINVALID, "Contact attribute key %q is not searchable in instance %s.", c.Key, q.InstanceID)
		}
	}
	return nil
}

// SortKey returns c's value for field as a number (timestamps in Unix
// milliseconds; math.MaxInt64 for one that is not set, so unset sorts
// last in ascending order) or a string (channel, initiation method). Keyset
// paging continues after the (key, Id) pair of a page's last contact.
func SortKey(c *Contact, field SortField) (num int64, str string) {
	ms := func(t time.Time) int64 {
		if t.IsZero() {
			return math.MaxInt64
		}
		return t.UnixMilli()
	}
	switch field {
	case SortScheduled:
		return ms(c.ScheduledTimestamp), ""
	case SortDisconnect:
		return ms(c.DisconnectTimestamp), ""
	case SortConnectedToAgent:
		return math.MaxInt64, "" // never set in connectd
	case SortChannel:
		return 0, string(c.Channel)
	case SortInitiationMethod:
		return 0, string(c.InitiationMethod)
	default: // SortInitiation, SortExpiry
		return ms(c.InitiationTimestamp), ""
	}
}
