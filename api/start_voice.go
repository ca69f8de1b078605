package api

import (
	"context"

	"github.com/connectd/connectd"
)

func (s *Server) startOutboundVoiceContact(ctx context.Context, c *call) (any, error) {
	var in struct {
		startCommon
		DestinationPhoneNumber       *string
		ContactFlowId                *string
		SourcePhoneNumber            *string
		QueueId                      *string
		AnswerMachineDetectionConfig *struct {
			EnableAnswerMachineDetection *bool
			AwaitAnswerMachinePrompt     *bool
		}
		CampaignId           *string
		TrafficType          *string
		RingTimeoutInSeconds *int64
		OutboundStrategy     *struct {
			Type *string
		}
	}
	if err := decodeBody(c.r.Body, &in); err != nil {
		return nil, err
	}
	var v validator
	s.checkCommon(&v, &in.startCommon)
	v.required("DestinationPhoneNumber", in.DestinationPhoneNumber != nil)
	if in.DestinationPhoneNumber != nil {
		v.pattern("DestinationPhoneNumber", *in.DestinationPhoneNumber, s.re.phone, "an E.164 phone number such as +12065550100")
	}
	if in.SourcePhoneNumber != nil {
		v.pattern("SourcePhoneNumber", *in.SourcePhoneNumber, s.re.phone, "an E.164 phone number such as +12065550100")
	}
	v.reqLength("ContactFlowId", in.ContactFlowId, 0, 500)
	v.optLength("CampaignId", in.CampaignId, 1, 100)
	v.optOneOf("TrafficType", in.TrafficType, "GENERAL", "CAMPAIGN")
	v.rangeInt("RingTimeoutInSeconds", in.RingTimeoutInSeconds, 15, 60)
	if in.OutboundStrategy != nil {
		v.required("OutboundStrategy.Type", in.OutboundStrategy.Type != nil)
		v.optOneOf("OutboundStrategy.Type", in.OutboundStrategy.Type, "AGENT_FIRST")
	}
	// "If you do not specify a queue, you must specify a source phone number."
	if in.QueueId == nil && in.SourcePhoneNumber == nil {
		v.fail("One of QueueId or SourcePhoneNumber is required.")
	}
	// EnableAnswerMachineDetection: "If set to true, TrafficType must be set
	// as CAMPAIGN."
	if amd := in.AnswerMachineDetectionConfig; amd != nil && amd.EnableAnswerMachineDetection != nil &&
		*amd.EnableAnswerMachineDetection && deref(in.TrafficType) != "CAMPAIGN" {
		v.fail("EnableAnswerMachineDetection requires TrafficType CAMPAIGN.")
	}
	if v.err != nil {
		return nil, v.err
	}
	ct := s.newContact(c, &in.startCommon, connectd.ChannelVoice, connectd.InitiationOutbound)
	ct.QueueID = deref(in.QueueId)
	stored, err := s.cfg.Service.CreateContact(ctx, c.owner, ct)
	if err != nil {
		return nil, err
	}
	return struct {
		ContactId string `json:"ContactId"`
	}{stored.ID}, nil
}
