package api

import (
	"context"

	"github.com/connectd/connectd"
)

type startOutboundVoiceContactInput struct {
	startCommon
	DestinationPhoneNumber       string
	SourcePhoneNumber            *string
	QueueId                      *string
	AnswerMachineDetectionConfig *struct {
		EnableAnswerMachineDetection *bool
	}
	TrafficType *string
}

func (s *Server) startOutboundVoiceContact(ctx context.Context, c *call, in *startOutboundVoiceContactInput) (any, error) {
	var v validator
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
	stored, err := s.cfg.Service.StartOutboundVoiceContact(ctx, c.owner, ct, in.DestinationPhoneNumber)
	if err != nil {
		return nil, err
	}
	return struct {
		ContactId string `json:"ContactId"`
	}{stored.ID}, nil
}
