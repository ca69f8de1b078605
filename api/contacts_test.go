package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func TestStartTaskAndDescribe(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	sched := start.Add(time.Hour)
	out, err := s.client.StartTaskContact(ctx, &connect.StartTaskContactInput{
		InstanceId: aws.String(inst), Name: aws.String("Call back"), Description: aws.String("VIP"),
		ContactFlowId: aws.String("flow"), Attributes: map[string]string{"tier": "gold"}, ScheduledTime: &sched,
	})
	if err != nil {
		t.Fatalf("StartTaskContact: %v", err)
	}
	id := aws.ToString(out.ContactId)
	s.clock.Advance(1500 * time.Millisecond)
	d, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeContact: %v", err)
	}
	c := d.Contact
	wantArn := fmt.Sprintf("arn:aws:connect:us-east-1:000000000000:instance/%s/contact/%s", inst, id)
	switch {
	case aws.ToString(c.Id) != id, aws.ToString(c.Arn) != wantArn, aws.ToString(c.InitialContactId) != id:
		t.Fatalf("ids: %q %q %q", aws.ToString(c.Id), aws.ToString(c.Arn), aws.ToString(c.InitialContactId))
	case c.Channel != types.ChannelTask, c.InitiationMethod != types.ContactInitiationMethodApi:
		t.Fatalf("channel/method = %s %s", c.Channel, c.InitiationMethod)
	case aws.ToString(c.Name) != "Call back", aws.ToString(c.Description) != "VIP":
		t.Fatalf("name/description = %q %q", aws.ToString(c.Name), aws.ToString(c.Description))
	case c.InitiationTimestamp == nil || !c.InitiationTimestamp.Equal(start):
		t.Fatalf("InitiationTimestamp = %v, want %v", c.InitiationTimestamp, start)
	case c.ScheduledTimestamp == nil || !c.ScheduledTimestamp.Equal(sched):
		t.Fatalf("ScheduledTimestamp = %v, want %v", c.ScheduledTimestamp, sched)
	case c.DisconnectTimestamp != nil:
		t.Fatalf("active contact has DisconnectTimestamp %v", c.DisconnectTimestamp)
	case c.Attributes["tier"] != "gold" || len(c.Attributes) != 1:
		t.Fatalf("Attributes = %v", c.Attributes)
	}

	// StopContact ends it once; the second stop is 410 ContactNotFoundException.
	if _, err := s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id)}); err != nil {
		t.Fatalf("StopContact: %v", err)
	}
	d, err = s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id)})
	if err != nil || d.Contact.DisconnectTimestamp == nil || !d.Contact.DisconnectTimestamp.Equal(start.Add(1500*time.Millisecond)) {
		t.Fatalf("after stop: DisconnectTimestamp %v, err %v", d.Contact.DisconnectTimestamp, err)
	}
	_, err = s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: aws.String(inst), ContactId: aws.String(id)})
	wantTyped[types.ContactNotFoundException](t, err)
	_, err = s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: aws.String(inst), ContactId: aws.String("nope")})
	wantTyped[types.ResourceNotFoundException](t, err)
	_, err = s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String(inst), ContactId: aws.String("nope")})
	wantTyped[types.ResourceNotFoundException](t, err)
	_, err = s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String("no-instance"), ContactId: aws.String(id)})
	wantTyped[types.ResourceNotFoundException](t, err)
}

func TestStartTaskValidation(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	for _, tc := range []struct {
		name string
		in   connect.StartTaskContactInput
		want string
	}{
		{"two flow ids", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), QuickConnectId: aws.String("q")}, "InvalidParameterException"},
		{"three flow ids", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), QuickConnectId: aws.String("q"), TaskTemplateId: aws.String("t")}, "InvalidParameterException"},
		{"no flow id", connect.StartTaskContactInput{}, "InvalidParameterException"},
		{"name too long", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), Name: aws.String(strings.Repeat("n", 1025))}, "InvalidParameterException"},
		{"description too long", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), Description: aws.String(strings.Repeat("d", 4097))}, "InvalidParameterException"},
		{"scheduled in the past", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), ScheduledTime: aws.Time(start.Add(-time.Hour))}, "InvalidParameterException"},
		{"scheduled 7 days ahead", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), ScheduledTime: aws.Time(start.Add(7 * 24 * time.Hour))}, "InvalidParameterException"},
		{"bad attribute key", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), Attributes: map[string]string{"a b": "1"}}, "InvalidParameterException"},
		{"attributes too big", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), Attributes: map[string]string{"k": strings.Repeat("v", 32768)}}, "InvalidParameterException"},
		{"reference value too long", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), References: map[string]types.Reference{"r": {Value: aws.String(strings.Repeat("v", 4097)), Type: types.ReferenceTypeString}}}, "InvalidParameterException"},
		{"attachment reference", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), References: map[string]types.Reference{"r": {Value: aws.String("v"), Type: types.ReferenceTypeAttachment}}}, "InvalidParameterException"},
		{"unknown previous contact", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), PreviousContactId: aws.String("missing")}, "ResourceNotFoundException"},
		{"unknown related contact", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), RelatedContactId: aws.String("missing")}, "ResourceNotFoundException"},
		{"unknown instance", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), InstanceId: aws.String("missing")}, "ResourceNotFoundException"},
		{"instance id too long", connect.StartTaskContactInput{ContactFlowId: aws.String("f"), InstanceId: aws.String(strings.Repeat("i", 101))}, "InvalidParameterException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.InstanceId == nil {
				in.InstanceId = aws.String(inst)
			}
			if in.Name == nil {
				in.Name = aws.String("t")
			}
			_, err := s.client.StartTaskContact(ctx, &in)
			wantAPIError(t, err, tc.want)
		})
	}
	// An empty Name is allowed: the model's Name is 0..1024 characters.
	if _, err := s.client.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: aws.String(inst), Name: aws.String(""), TaskTemplateId: aws.String("tpl")}); err != nil {
		t.Fatalf("empty name: %v", err)
	}
}

func TestTaskChainSharesAttributes(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	first := s.newTask(t, inst, map[string]string{"a": "1"})
	var chain []string
	for i := 0; i < 12; i++ {
		out, err := s.client.StartTaskContact(ctx, &connect.StartTaskContactInput{
			InstanceId: aws.String(inst), Name: aws.String("next"), ContactFlowId: aws.String("f"),
			PreviousContactId: aws.String(first), Attributes: map[string]string{fmt.Sprintf("k%d", i): "v"},
		})
		if err != nil {
			t.Fatalf("linked task %d: %v", i+1, err)
		}
		chain = append(chain, aws.ToString(out.ContactId))
	}
	// "There can be a maximum of 12 linked task contacts in a chain."
	_, err := s.client.StartTaskContact(ctx, &connect.StartTaskContactInput{
		InstanceId: aws.String(inst), Name: aws.String("13th"), ContactFlowId: aws.String("f"), PreviousContactId: aws.String(first),
	})
	wantTyped[types.ServiceQuotaExceededException](t, err)

	// One map for the chain: an update through the initial contact shows on every member.
	if _, err := s.client.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{
		InstanceId: aws.String(inst), InitialContactId: aws.String(first), Attributes: map[string]string{"shared": "yes"},
	}); err != nil {
		t.Fatal(err)
	}
	d, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String(inst), ContactId: aws.String(chain[5])})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(d.Contact.InitialContactId) != first || aws.ToString(d.Contact.PreviousContactId) != first {
		t.Fatalf("chain ids: initial %q previous %q, want %q", aws.ToString(d.Contact.InitialContactId), aws.ToString(d.Contact.PreviousContactId), first)
	}
	if d.Contact.Attributes["shared"] != "yes" || d.Contact.Attributes["a"] != "1" || d.Contact.Attributes["k11"] != "v" || len(d.Contact.Attributes) != 14 {
		t.Fatalf("member sees %v", d.Contact.Attributes)
	}
	// Update/GetContactAttributes take the initial contact's id; another member's is 404.
	_, err = s.client.GetContactAttributes(ctx, &connect.GetContactAttributesInput{InstanceId: aws.String(inst), InitialContactId: aws.String(chain[0])})
	msg := wantAPIError(t, err, "ResourceNotFoundException")
	if !strings.Contains(msg, first) {
		t.Fatalf("message %q does not name the initial contact", msg)
	}
	_, err = s.client.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{InstanceId: aws.String(inst), InitialContactId: aws.String(chain[0]), Attributes: map[string]string{"x": "1"}})
	wantTyped[types.ResourceNotFoundException](t, err)
}

func TestRelatedContactCopiesOnce(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	orig := s.newTask(t, inst, map[string]string{"a": "1", "b": "2"})
	out, err := s.client.StartChatContact(ctx, &connect.StartChatContactInput{
		InstanceId: aws.String(inst), ContactFlowId: aws.String("f"), RelatedContactId: aws.String(orig),
		ParticipantDetails: &types.ParticipantDetails{DisplayName: aws.String("Ann")},
		Attributes:         map[string]string{"b": "override", "c": "3"},
	})
	if err != nil {
		t.Fatalf("StartChatContact: %v", err)
	}
	if aws.ToString(out.ParticipantId) == "" || aws.ToString(out.ParticipantToken) == "" {
		t.Fatalf("chat lacks participant: %+v", out)
	}
	chat := aws.ToString(out.ContactId)
	get := func(id string) map[string]string {
		t.Helper()
		g, err := s.client.GetContactAttributes(ctx, &connect.GetContactAttributesInput{InstanceId: aws.String(inst), InitialContactId: aws.String(id)})
		if err != nil {
			t.Fatalf("GetContactAttributes(%s): %v", id, err)
		}
		return g.Attributes
	}
	if got := get(chat); len(got) != 3 || got["a"] != "1" || got["b"] != "override" || got["c"] != "3" {
		t.Fatalf("copied attributes = %v", got)
	}
	// Later updates do not propagate either way.
	if _, err := s.client.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{InstanceId: aws.String(inst), InitialContactId: aws.String(orig), Attributes: map[string]string{"a": "changed"}}); err != nil {
		t.Fatal(err)
	}
	if got := get(chat); got["a"] != "1" {
		t.Fatalf("update of the related contact reached the copy: %v", got)
	}
	d, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String(inst), ContactId: aws.String(chat)})
	if err != nil || aws.ToString(d.Contact.RelatedContactId) != orig || aws.ToString(d.Contact.InitialContactId) != chat || d.Contact.Channel != types.ChannelChat {
		t.Fatalf("chat contact: %+v, err %v", d.Contact, err)
	}
}

func TestStartChatValidation(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	pd := &types.ParticipantDetails{DisplayName: aws.String("Ann")}
	for _, tc := range []struct {
		name string
		in   connect.StartChatContactInput
		want string
	}{
		{"empty display name", connect.StartChatContactInput{ParticipantDetails: &types.ParticipantDetails{DisplayName: aws.String("")}}, "InvalidParameterException"},
		{"duration too short", connect.StartChatContactInput{ChatDurationInMinutes: aws.Int32(59)}, "InvalidParameterException"},
		{"duration too long", connect.StartChatContactInput{ChatDurationInMinutes: aws.Int32(10081)}, "InvalidParameterException"},
		{"no text/plain", connect.StartChatContactInput{SupportedMessagingContentTypes: []string{"text/markdown"}}, "InvalidParameterException"},
		{"empty initial message", connect.StartChatContactInput{InitialMessage: &types.ChatMessage{ContentType: aws.String("text/plain"), Content: aws.String("")}}, "InvalidParameterException"},
		{"two disconnect participants", connect.StartChatContactInput{DisconnectOnCustomerExit: []types.DisconnectOnCustomerExitParticipantType{"AGENT", "AGENT"}}, "InvalidParameterException"},
		{"related and persistent", connect.StartChatContactInput{RelatedContactId: aws.String("x"), PersistentChat: &types.PersistentChat{SourceContactId: aws.String("y")}}, "InvalidRequestException"},
		{"unknown persistent source", connect.StartChatContactInput{PersistentChat: &types.PersistentChat{SourceContactId: aws.String("y"), RehydrationType: types.RehydrationTypeEntirePastSession}}, "ResourceNotFoundException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.InstanceId, in.ContactFlowId = aws.String(inst), aws.String("f")
			if in.ParticipantDetails == nil {
				in.ParticipantDetails = pd
			}
			_, err := s.client.StartChatContact(ctx, &in)
			wantAPIError(t, err, tc.want)
		})
	}
}

func TestStartOutboundVoice(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	out, err := s.client.StartOutboundVoiceContact(ctx, &connect.StartOutboundVoiceContactInput{
		InstanceId: aws.String(inst), ContactFlowId: aws.String("f"), DestinationPhoneNumber: aws.String("+14155550100"),
		QueueId: aws.String("queue-1"), Attributes: map[string]string{"crm": "42"},
	})
	if err != nil {
		t.Fatalf("StartOutboundVoiceContact: %v", err)
	}
	d, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String(inst), ContactId: out.ContactId})
	if err != nil || d.Contact.Channel != types.ChannelVoice || d.Contact.InitiationMethod != types.ContactInitiationMethodOutbound ||
		d.Contact.QueueInfo == nil || aws.ToString(d.Contact.QueueInfo.Id) != "queue-1" || d.Contact.Attributes["crm"] != "42" {
		t.Fatalf("voice contact = %+v, err %v", d.Contact, err)
	}
	for _, tc := range []struct {
		name string
		in   connect.StartOutboundVoiceContactInput
	}{
		{"not E.164", connect.StartOutboundVoiceContactInput{DestinationPhoneNumber: aws.String("4155550100"), QueueId: aws.String("q")}},
		{"leading zero", connect.StartOutboundVoiceContactInput{DestinationPhoneNumber: aws.String("+04155550100"), QueueId: aws.String("q")}},
		{"too many digits", connect.StartOutboundVoiceContactInput{DestinationPhoneNumber: aws.String("+1234567890123456"), QueueId: aws.String("q")}},
		{"bad source", connect.StartOutboundVoiceContactInput{DestinationPhoneNumber: aws.String("+14155550100"), SourcePhoneNumber: aws.String("+1-415")}},
		{"neither queue nor source", connect.StartOutboundVoiceContactInput{DestinationPhoneNumber: aws.String("+14155550100")}},
		{"ring timeout", connect.StartOutboundVoiceContactInput{DestinationPhoneNumber: aws.String("+14155550100"), QueueId: aws.String("q"), RingTimeoutInSeconds: aws.Int32(10)}},
		{"traffic type", connect.StartOutboundVoiceContactInput{DestinationPhoneNumber: aws.String("+14155550100"), QueueId: aws.String("q"), TrafficType: "BULK"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.InstanceId, in.ContactFlowId = aws.String(inst), aws.String("f")
			_, err := s.client.StartOutboundVoiceContact(ctx, &in)
			wantTyped[types.InvalidParameterException](t, err)
		})
	}
}

func TestCreateContact(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	out, err := s.client.CreateContact(ctx, &connect.CreateContactInput{
		InstanceId: aws.String(inst), Channel: types.ChannelTask, InitiationMethod: types.ContactInitiationMethodApi,
		InitiateAs: types.InitiateAsCompleted, Attributes: map[string]string{"x": "y"}, Name: aws.String("done"),
	})
	if err != nil {
		t.Fatalf("CreateContact: %v", err)
	}
	if !strings.HasSuffix(aws.ToString(out.ContactArn), "/contact/"+aws.ToString(out.ContactId)) {
		t.Fatalf("ContactArn %q", aws.ToString(out.ContactArn))
	}
	d, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String(inst), ContactId: out.ContactId})
	if err != nil || d.Contact.DisconnectTimestamp == nil || d.Contact.Attributes["x"] != "y" {
		t.Fatalf("COMPLETED contact = %+v, err %v", d.Contact, err)
	}
	// A completed contact still takes attribute updates ("both ongoing and completed contacts").
	if _, err := s.client.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{InstanceId: aws.String(inst), InitialContactId: out.ContactId, Attributes: map[string]string{"after": "end"}}); err != nil {
		t.Fatalf("update of completed contact: %v", err)
	}
	_, err = s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: aws.String(inst), ContactId: out.ContactId})
	wantTyped[types.ContactNotFoundException](t, err)

	for _, tc := range []struct {
		name string
		in   connect.CreateContactInput
		want string
	}{
		{"chat not supported", connect.CreateContactInput{Channel: types.ChannelChat, InitiationMethod: types.ContactInitiationMethodApi}, "InvalidRequestException"},
		{"task by transfer", connect.CreateContactInput{Channel: types.ChannelTask, InitiationMethod: types.ContactInitiationMethodTransfer}, "InvalidRequestException"},
		{"completed voice", connect.CreateContactInput{Channel: types.ChannelVoice, InitiationMethod: types.ContactInitiationMethodTransfer, InitiateAs: types.InitiateAsCompleted}, "InvalidRequestException"},
		{"email without user", connect.CreateContactInput{Channel: types.ChannelEmail, InitiationMethod: types.ContactInitiationMethodOutbound}, "InvalidRequestException"},
		{"unknown channel", connect.CreateContactInput{Channel: "FAX", InitiationMethod: types.ContactInitiationMethodApi}, "InvalidParameterException"},
		{"unknown method", connect.CreateContactInput{Channel: types.ChannelTask, InitiationMethod: "TELEPATHY"}, "InvalidParameterException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.InstanceId = aws.String(inst)
			_, err := s.client.CreateContact(ctx, &in)
			wantAPIError(t, err, tc.want)
		})
	}
	// Voice TRANSFER contacts (external audio) cannot be stopped.
	v, err := s.client.CreateContact(ctx, &connect.CreateContactInput{InstanceId: aws.String(inst), Channel: types.ChannelVoice, InitiationMethod: types.ContactInitiationMethodTransfer})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: aws.String(inst), ContactId: v.ContactId})
	wantTyped[types.InvalidRequestException](t, err)
}

func TestClientTokenIsIdempotent(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	in := &connect.StartTaskContactInput{InstanceId: aws.String(inst), Name: aws.String("t"), ContactFlowId: aws.String("f"), ClientToken: aws.String("retry-me")}
	a, err := s.client.StartTaskContact(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.client.StartTaskContact(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(a.ContactId) != aws.ToString(b.ContactId) {
		t.Fatalf("same ClientToken started two contacts: %s, %s", aws.ToString(a.ContactId), aws.ToString(b.ContactId))
	}
	// Without a token the SDK fills a fresh one into each new input: two
	// contacts. (It writes the token into the input it is given, so each
	// call needs its own input struct.)
	fresh := func() *connect.StartTaskContactInput {
		return &connect.StartTaskContactInput{InstanceId: aws.String(inst), Name: aws.String("t"), ContactFlowId: aws.String("f")}
	}
	c, err1 := s.client.StartTaskContact(ctx, fresh())
	d, err2 := s.client.StartTaskContact(ctx, fresh())
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if aws.ToString(c.ContactId) == aws.ToString(d.ContactId) {
		t.Fatal("two calls without a token returned one contact")
	}
}
