package api

import (
	"context"
	"fmt"

	"github.com/connectd/connectd"
)

// wireEmailAddress is the model's EmailAddressInfo.
type wireEmailAddress struct {
	EmailAddress *string
	DisplayName  *string
}

// emailHeaderTypes are the model's EmailHeaderType values.
func emailHeaderTypes() []string {
	return []string{"REFERENCES", "MESSAGE_ID", "IN_REPLY_TO", "X_SES_SPAM_VERDICT", "X_SES_VIRUS_VERDICT"}
}

// checkEmail applies the model's EmailAddress: 1..255 characters matching
// [^\s@]+@[^\s@]+\.[^\s@]+ (unanchored, as the model has it).
func (s *Server) checkEmail(v *validator, name string, addr *string) {
	v.reqLength(name, addr, 1, 255)
	if addr != nil && *addr != "" {
		v.pattern(name, *addr, s.re.email, "an email address")
	}
}

func (s *Server) checkEmailInfo(v *validator, name string, info *wireEmailAddress) {
	s.checkEmail(v, name+".EmailAddress", info.EmailAddress)
	v.optLength(name+".DisplayName", info.DisplayName, 0, 256)
}

// startEmailContact serves StartEmailContact (PUT /contact/email): "Creates
// an inbound email contact", so an EMAIL contact initiated by INBOUND.
// connectd keeps no message, recipients or attachments; it checks them
// against the model. The model has no InvalidParameterException here, so
// bad members are InvalidRequestException (see modelsInvalidParameter).
func (s *Server) startEmailContact(ctx context.Context, c *call) (any, error) {
	var in struct {
		startCommon
		FromEmailAddress        *wireEmailAddress
		DestinationEmailAddress *string
		EmailMessage            *struct {
			MessageSourceType *string
			RawMessage        *struct {
				Subject     *string
				Body        *string
				ContentType *string
				Headers     map[string]string
			}
		}
		AdditionalRecipients *struct {
			ToAddresses []wireEmailAddress
			CcAddresses []wireEmailAddress
		}
		Attachments []struct {
			FileName *string
			S3Url    *string
		}
		ContactFlowId *string
	}
	if err := decodeBody(c.r.Body, &in); err != nil {
		return nil, err
	}
	var v validator
	s.checkCommon(&v, &in.startCommon)
	v.required("FromEmailAddress", in.FromEmailAddress != nil)
	if in.FromEmailAddress != nil {
		s.checkEmailInfo(&v, "FromEmailAddress", in.FromEmailAddress)
	}
	s.checkEmail(&v, "DestinationEmailAddress", in.DestinationEmailAddress)
	v.required("EmailMessage", in.EmailMessage != nil)
	if m := in.EmailMessage; m != nil {
		v.required("EmailMessage.MessageSourceType", m.MessageSourceType != nil)
		v.optOneOf("EmailMessage.MessageSourceType", m.MessageSourceType, "RAW")
		// The model leaves RawMessage optional, but RAW is the only
		// source type, and without a message there is no email.
		v.required("EmailMessage.RawMessage", m.RawMessage != nil)
		if raw := m.RawMessage; raw != nil {
			v.reqLength("EmailMessage.RawMessage.Subject", raw.Subject, 0, 998)
			v.reqLength("EmailMessage.RawMessage.Body", raw.Body, 1, 5242880)
			v.reqLength("EmailMessage.RawMessage.ContentType", raw.ContentType, 1, 100)
			for _, k := range sortedKeys(raw.Headers) {
				v.oneOf("EmailMessage.RawMessage.Headers key", k, emailHeaderTypes()...)
				v.length(fmt.Sprintf("EmailMessage.RawMessage.Headers[%s]", k), raw.Headers[k], 1, 20000)
			}
		}
	}
	if r := in.AdditionalRecipients; r != nil {
		for i, list := range [][]wireEmailAddress{r.ToAddresses, r.CcAddresses} {
			if list != nil && (len(list) < 1 || len(list) > 50) {
				v.fail("Member AdditionalRecipients.%s must have between 1 and 50 items; it has %d.",
					[...]string{"ToAddresses", "CcAddresses"}[i], len(list))
			}
		}
		for i := range r.ToAddresses {
			s.checkEmailInfo(&v, fmt.Sprintf("AdditionalRecipients.ToAddresses[%d]", i), &r.ToAddresses[i])
		}
		for i := range r.CcAddresses {
			s.checkEmailInfo(&v, fmt.Sprintf("AdditionalRecipients.CcAddresses[%d]", i), &r.CcAddresses[i])
		}
	}
	if in.Attachments != nil && (len(in.Attachments) < 1 || len(in.Attachments) > 10) {
		v.fail("Member Attachments must have between 1 and 10 items; it has %d.", len(in.Attachments))
	}
	for i, a := range in.Attachments {
		v.reqLength(fmt.Sprintf("Attachments[%d].FileName", i), a.FileName, 1, 256)
		if a.FileName != nil && hasControl(*a.FileName) {
			v.fail("Member Attachments[%d].FileName must not contain control characters.", i)
		}
		v.reqLength(fmt.Sprintf("Attachments[%d].S3Url", i), a.S3Url, 1, 2000)
	}
	v.optLength("ContactFlowId", in.ContactFlowId, 0, 500)
	if v.err != nil {
		return nil, v.err
	}
	ct := s.newContact(c, &in.startCommon, connectd.ChannelEmail, connectd.InitiationInbound)
	stored, err := s.cfg.Service.CreateContact(ctx, c.owner, ct)
	if err != nil {
		return nil, err
	}
	return struct {
		ContactId string `json:"ContactId"`
	}{stored.ID}, nil
}
