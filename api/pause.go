package api

import (
	"context"
	"encoding/json"

	"github.com/connectd/connectd"
)

// wireContactState is the Contact shape's members for pausing and
// routing data, which DescribeContact sends once they have been set.
type wireContactState struct {
	LastPausedTimestamp         *epoch               `json:"LastPausedTimestamp,omitempty"`
	TotalPauseCount             *int                 `json:"TotalPauseCount,omitempty"`
	TotalPauseDurationInSeconds *int                 `json:"TotalPauseDurationInSeconds,omitempty"`
	QueuePriority               *int64               `json:"QueuePriority,omitempty"`
	QueueTimeAdjustmentSeconds  *int64               `json:"QueueTimeAdjustmentSeconds,omitempty"`
	RoutingCriteria             *wireRoutingCriteria `json:"RoutingCriteria,omitempty"`
	// RedactedContactFields is connectd's own member (the model's Contact
	// has none for it): the ContactFields DeleteContactData deleted. SDKs
	// ignore members they do not know.
	RedactedContactFields []string `json:"RedactedContactFields,omitempty"`
}

// wireRoutingCriteria is the model's RoutingCriteria: the steps as
// UpdateContactRoutingData was given them, active since they were set.
type wireRoutingCriteria struct {
	Steps               json.RawMessage `json:"Steps"`
	ActivationTimestamp *epoch          `json:"ActivationTimestamp,omitempty"`
	Index               int             `json:"Index"`
}

// contactState is st on the wire: nothing for a contact never paused;
// TotalPauseDurationInSeconds counts the pauses that have ended, in whole
// seconds.
func contactState(st *connectd.ContactState) wireContactState {
	var w wireContactState
	if st == nil {
		return w
	}
	if st.PauseCount > 0 {
		n, secs := st.PauseCount, int(st.PausedFor.Seconds())
		w.LastPausedTimestamp, w.TotalPauseCount, w.TotalPauseDurationInSeconds = epochOf(st.LastPausedAt), &n, &secs
	}
	w.RedactedContactFields = st.Redacted
	if r := st.Routing; r != nil {
		w.QueuePriority, w.QueueTimeAdjustmentSeconds = r.QueuePriority, r.QueueTimeAdjustmentSeconds
		if r.RoutingSteps != nil {
			w.RoutingCriteria = &wireRoutingCriteria{Steps: r.RoutingSteps, ActivationTimestamp: epochOf(r.RoutingSetAt)}
		}
	}
	return w
}

// pauseInput is PauseContact's and ResumeContact's request. ContactFlowId
// is accepted and ignored: connectd runs no flow on a pause or resume.
type pauseInput struct {
	InstanceId, ContactId string
	ContactFlowId         *string
}

func (s *Server) pauseContact(ctx context.Context, c *call, in *pauseInput) (any, error) {
	return struct{}{}, s.cfg.Service.PauseContact(ctx, c.owner, in.InstanceId, in.ContactId)
}

func (s *Server) resumeContact(ctx context.Context, c *call, in *pauseInput) (any, error) {
	return struct{}{}, s.cfg.Service.ResumeContact(ctx, c.owner, in.InstanceId, in.ContactId)
}

// listAssociatedContactsInput binds ContactId, MaxResults and NextToken
// from the query string, as the model does.
type listAssociatedContactsInput struct {
	InstanceId, ContactId string
	MaxResults            *int
	NextToken             *string
}

type wireAssociatedContact struct {
	ContactId           string `json:"ContactId"`
	ContactArn          string `json:"ContactArn"`
	InitiationTimestamp *epoch `json:"InitiationTimestamp,omitempty"`
	DisconnectTimestamp *epoch `json:"DisconnectTimestamp,omitempty"`
	InitialContactId    string `json:"InitialContactId,omitempty"`
	PreviousContactId   string `json:"PreviousContactId,omitempty"`
	RelatedContactId    string `json:"RelatedContactId,omitempty"`
	InitiationMethod    string `json:"InitiationMethod"`
	Channel             string `json:"Channel"`
}

func (s *Server) listAssociatedContacts(ctx context.Context, c *call, in *listAssociatedContactsInput) (any, error) {
	limit := 0
	if in.MaxResults != nil {
		limit = *in.MaxResults
	}
	page, err := s.cfg.Service.ListAssociatedContacts(ctx, c.owner, in.InstanceId, in.ContactId, limit, deref(in.NextToken))
	if err != nil {
		return nil, err
	}
	out := struct {
		ContactSummaryList []wireAssociatedContact `json:"ContactSummaryList"`
		NextToken          string                  `json:"NextToken,omitempty"`
	}{ContactSummaryList: []wireAssociatedContact{}, NextToken: page.NextToken}
	for _, ct := range page.Contacts {
		out.ContactSummaryList = append(out.ContactSummaryList, wireAssociatedContact{
			ContactId: ct.ID, ContactArn: contactARN(c.owner, in.InstanceId, ct.ID),
			InitiationTimestamp: epochOf(ct.InitiationTimestamp), DisconnectTimestamp: epochOf(ct.DisconnectTimestamp),
			InitialContactId: ct.InitialContactID, PreviousContactId: ct.PreviousContactID, RelatedContactId: ct.RelatedContactID,
			InitiationMethod: string(ct.InitiationMethod), Channel: string(ct.Channel),
		})
	}
	return out, nil
}
