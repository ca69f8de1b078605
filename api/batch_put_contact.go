package api

import (
	"context"

	"github.com/connectd/connectd"
)

type batchPutContactInput struct {
	InstanceId             string
	ClientToken            *string
	ContactDataRequestList []struct {
		RequestIdentifier *string
		QueueId           *string
		Attributes        map[string]string
		CustomerEndpoint  *struct{ Address *string }
		SystemEndpoint    *struct{ Address *string }
	}
}

type batchSuccess struct {
	RequestIdentifier string `json:"RequestIdentifier,omitempty"`
	ContactId         string `json:"ContactId"`
}

type batchFailure struct {
	RequestIdentifier    string `json:"RequestIdentifier,omitempty"`
	FailureReasonCode    string `json:"FailureReasonCode"`
	FailureReasonMessage string `json:"FailureReasonMessage"`
}

// batchPutContact creates one VOICE contact initiated OUTBOUND per item, as
// the outbound campaigns service does before it dials. A batch's
// ClientToken makes it idempotent: each item's contact is started with the
// token and its RequestIdentifier, so a retried batch answers with the
// contacts the first one created.
func (s *Server) batchPutContact(ctx context.Context, c *call, in *batchPutContactInput) (any, error) {
	out := struct {
		SuccessfulRequestList []batchSuccess `json:"SuccessfulRequestList"`
		FailedRequestList     []batchFailure `json:"FailedRequestList"`
	}{[]batchSuccess{}, []batchFailure{}}
	var contacts []*connectd.Contact
	var ids []string // RequestIdentifier of each item sent to the service
	for _, item := range in.ContactDataRequestList {
		id := deref(item.RequestIdentifier)
		fail := func(code, msg string) {
			out.FailedRequestList = append(out.FailedRequestList, batchFailure{id, code, msg})
		}
		switch {
		case item.CustomerEndpoint == nil || deref(item.CustomerEndpoint.Address) == "":
			fail("MISSING_CUSTOMER_ENDPOINT", "CustomerEndpoint.Address is required.")
			continue
		case item.QueueId == nil && (item.SystemEndpoint == nil || deref(item.SystemEndpoint.Address) == ""):
			fail("MISSING_QUEUE_ID_AND_SYSTEM_ENDPOINT", "One of QueueId or SystemEndpoint is required.")
			continue
		}
		ct := &connectd.Contact{InstanceID: in.InstanceId, ID: s.cfg.NewID(), Channel: connectd.ChannelVoice,
			InitiationMethod: connectd.InitiationOutbound, QueueID: deref(item.QueueId), Attributes: item.Attributes,
			InitiationTimestamp: s.cfg.Clock.Now()}
		ct.InitialContactID, ct.LastUpdateTimestamp = ct.ID, ct.InitiationTimestamp
		if in.ClientToken != nil {
			ct.ClientToken = *in.ClientToken + "/" + id
		}
		contacts, ids = append(contacts, ct), append(ids, id)
	}
	results, err := s.cfg.Service.BatchPutContact(ctx, c.owner, in.InstanceId, contacts)
	if err != nil {
		return nil, err
	}
	for i, r := range results {
		if r.Err == nil {
			out.SuccessfulRequestList = append(out.SuccessfulRequestList, batchSuccess{ids[i], r.Contact.ID})
			continue
		}
		code := "INTERNAL_ERROR"
		switch connectd.ErrorCode(r.Err) {
		case connectd.EINVALID:
			code = "INVALID_ATTRIBUTE_KEY"
		case connectd.EIDEMPOTENCY, connectd.ECONFLICT:
			code = "IDEMPOTENCY_EXCEPTION"
		}
		out.FailedRequestList = append(out.FailedRequestList, batchFailure{ids[i], code, connectd.ErrorMessage(r.Err)})
	}
	return out, nil
}
