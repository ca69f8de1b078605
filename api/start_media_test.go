package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func webRTCInput(inst string) *connect.StartWebRTCContactInput {
	return &connect.StartWebRTCContactInput{
		InstanceId: aws.String(inst), ContactFlowId: aws.String("flow"),
		ParticipantDetails: &types.ParticipantDetails{DisplayName: aws.String("Customer")},
	}
}

func TestStartWebRTCContact(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	in := webRTCInput(inst)
	in.Attributes = map[string]string{"a": "1"}
	in.Description = aws.String("video call")
	in.ClientToken = aws.String("rtc-1")
	in.AllowedCapabilities = &types.AllowedCapabilities{Customer: &types.ParticipantCapabilities{Video: types.VideoCapabilitySend}}
	in.References = map[string]types.Reference{"page": ref(types.ReferenceTypeUrl, "https://example.com")}
	out, err := s.client.StartWebRTCContact(ctx, in)
	if err != nil {
		t.Fatalf("StartWebRTCContact: %v", err)
	}
	id := aws.ToString(out.ContactId)
	m := out.ConnectionData.Meeting
	if out.ConnectionData.Attendee == nil || aws.ToString(out.ConnectionData.Attendee.AttendeeId) == "" ||
		m == nil || aws.ToString(m.MeetingId) == "" || aws.ToString(m.MediaRegion) != "us-east-1" ||
		m.MediaPlacement == nil || aws.ToString(m.MediaPlacement.SignalingUrl) == "" ||
		aws.ToString(out.ParticipantId) == "" || aws.ToString(out.ParticipantToken) == "" {
		t.Fatalf("response = %+v", out)
	}
	c := s.describe(t, inst, id)
	if c.Channel != types.ChannelVoice || c.InitiationMethod != types.ContactInitiationMethodWebrtcApi ||
		c.Attributes["a"] != "1" || aws.ToString(c.Description) != "video call" {
		t.Fatalf("contact = %s %s %v %q", c.Channel, c.InitiationMethod, c.Attributes, aws.ToString(c.Description))
	}
	// A retry gets the same contact and participant.
	again, err := s.client.StartWebRTCContact(ctx, in)
	if err != nil || aws.ToString(again.ContactId) != id || aws.ToString(again.ParticipantId) != aws.ToString(out.ParticipantId) {
		t.Fatalf("retry = %+v, %v", again, err)
	}
}

func TestStartWebRTCContactErrors(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	for name, o := range map[string]func(*connect.StartWebRTCContactInput){
		"empty name": func(in *connect.StartWebRTCContactInput) { in.ParticipantDetails.DisplayName = aws.String("") },
		"long name": func(in *connect.StartWebRTCContactInput) {
			in.ParticipantDetails.DisplayName = aws.String(strings.Repeat("n", 257))
		},
		"long flow": func(in *connect.StartWebRTCContactInput) { in.ContactFlowId = aws.String(strings.Repeat("f", 501)) },
		"bad video": func(in *connect.StartWebRTCContactInput) {
			in.AllowedCapabilities = &types.AllowedCapabilities{Agent: &types.ParticipantCapabilities{Video: "RECEIVE"}}
		},
		"bad attr":  func(in *connect.StartWebRTCContactInput) { in.Attributes = map[string]string{"a b": "1"} },
		"long desc": func(in *connect.StartWebRTCContactInput) { in.Description = aws.String(strings.Repeat("d", 4097)) },
		"bad ref": func(in *connect.StartWebRTCContactInput) {
			in.References = map[string]types.Reference{"r": {Type: "X"}}
		},
		"long token":  func(in *connect.StartWebRTCContactInput) { in.ClientToken = aws.String(strings.Repeat("t", 501)) },
		"long relate": func(in *connect.StartWebRTCContactInput) { in.RelatedContactId = aws.String(strings.Repeat("r", 257)) },
	} {
		in := webRTCInput(inst)
		o(in)
		if _, err := s.client.StartWebRTCContact(ctx, in); !isTyped[types.InvalidParameterException](err) {
			t.Errorf("%s: got %v, want InvalidParameterException", name, err)
		}
	}
	r := s.raw(t, "PUT", "/contact/webrtc", `{"InstanceId":"`+inst+`","ContactFlowId":"f"}`)
	if r.status != 400 || r.header.Get("X-Amzn-ErrorType") != "InvalidParameterException" {
		t.Fatalf("no ParticipantDetails: %d %s", r.status, r.body)
	}
	_, err := s.client.StartWebRTCContact(ctx, webRTCInput("unknown-instance"))
	wantTyped[types.ResourceNotFoundException](t, err)
	in := webRTCInput(inst)
	in.RelatedContactId = aws.String("unknown")
	_, err = s.client.StartWebRTCContact(ctx, in)
	wantTyped[types.ResourceNotFoundException](t, err)
}

func emailInput(inst string) *connect.StartEmailContactInput {
	return &connect.StartEmailContactInput{
		InstanceId:              aws.String(inst),
		FromEmailAddress:        &types.EmailAddressInfo{EmailAddress: aws.String("customer@example.com"), DisplayName: aws.String("C")},
		DestinationEmailAddress: aws.String("support@example.com"),
		EmailMessage: &types.InboundEmailContent{MessageSourceType: types.InboundMessageSourceTypeRaw,
			RawMessage: &types.InboundRawMessage{Subject: aws.String("Hello"), Body: aws.String("Hi"), ContentType: aws.String("text/plain")}},
	}
}

func TestStartEmailContact(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	in := emailInput(inst)
	in.Name, in.Attributes = aws.String("mail"), map[string]string{"k": "v"}
	in.References = map[string]types.Reference{"addr": ref(types.ReferenceTypeEmail, "customer@example.com")}
	in.AdditionalRecipients = &types.InboundAdditionalRecipients{CcAddresses: []types.EmailAddressInfo{{EmailAddress: aws.String("cc@example.com")}}}
	in.Attachments = []types.EmailAttachment{{FileName: aws.String("a.pdf"), S3Url: aws.String("https://s3/a")}}
	out, err := s.client.StartEmailContact(ctx, in)
	if err != nil {
		t.Fatalf("StartEmailContact: %v", err)
	}
	id := aws.ToString(out.ContactId)
	c := s.describe(t, inst, id)
	if c.Channel != types.ChannelEmail || c.InitiationMethod != types.ContactInitiationMethodInbound ||
		aws.ToString(c.Name) != "mail" || c.Attributes["k"] != "v" {
		t.Fatalf("contact = %s %s %q %v", c.Channel, c.InitiationMethod, aws.ToString(c.Name), c.Attributes)
	}
	l, err := s.client.ListContactReferences(ctx, &connect.ListContactReferencesInput{InstanceId: aws.String(inst),
		ContactId: aws.String(id), ReferenceTypes: []types.ReferenceType{types.ReferenceTypeEmail}})
	if err != nil || len(l.ReferenceSummaryList) != 1 {
		t.Fatalf("ListContactReferences = %+v, %v", l, err)
	}
	// EMAIL contacts can be transferred.
	if _, err := s.transfer(ctx, inst, id); err != nil {
		t.Fatalf("TransferContact of an email: %v", err)
	}
}

func TestStartEmailContactErrors(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	// The model has no InvalidParameterException for StartEmailContact.
	for name, o := range map[string]func(*connect.StartEmailContactInput){
		"bad from": func(in *connect.StartEmailContactInput) {
			in.FromEmailAddress.EmailAddress = aws.String("not-an-address")
		},
		"long from": func(in *connect.StartEmailContactInput) {
			in.FromEmailAddress.EmailAddress = aws.String(strings.Repeat("a", 250) + "@b.com")
		},
		"bad to":      func(in *connect.StartEmailContactInput) { in.DestinationEmailAddress = aws.String("support") },
		"source type": func(in *connect.StartEmailContactInput) { in.EmailMessage.MessageSourceType = "HTML" },
		"no raw":      func(in *connect.StartEmailContactInput) { in.EmailMessage.RawMessage = nil },
		"empty body":  func(in *connect.StartEmailContactInput) { in.EmailMessage.RawMessage.Body = aws.String("") },
		"long subject": func(in *connect.StartEmailContactInput) {
			in.EmailMessage.RawMessage.Subject = aws.String(strings.Repeat("s", 999))
		},
		"header": func(in *connect.StartEmailContactInput) {
			in.EmailMessage.RawMessage.Headers = map[string]string{"X-Other": "1"}
		},
		// EmailAttachments allows 1..50 (the model; docs/connect-api.md).
		"51 files": func(in *connect.StartEmailContactInput) {
			for range 51 {
				in.Attachments = append(in.Attachments, types.EmailAttachment{FileName: aws.String("f"), S3Url: aws.String("u")})
			}
		},
		"bad cc": func(in *connect.StartEmailContactInput) {
			in.AdditionalRecipients = &types.InboundAdditionalRecipients{CcAddresses: []types.EmailAddressInfo{{EmailAddress: aws.String("x")}}}
		},
		"long name":     func(in *connect.StartEmailContactInput) { in.Name = aws.String(strings.Repeat("n", 1025)) },
		"bad attribute": func(in *connect.StartEmailContactInput) { in.Attributes = map[string]string{"$x": "1"} },
	} {
		in := emailInput(inst)
		o(in)
		if _, err := s.client.StartEmailContact(ctx, in); !isTyped[types.InvalidRequestException](err) {
			t.Errorf("%s: got %v, want InvalidRequestException", name, err)
		}
	}
	_, err := s.client.StartEmailContact(ctx, emailInput("unknown-instance"))
	wantTyped[types.ResourceNotFoundException](t, err)
}
