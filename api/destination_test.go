package api_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestOutboundVoiceUKMobile checks the documented default ("UK numbers
// with a 447 prefix are not allowed by default") and the control-plane
// switch that stands in for the service-quota request.
func TestOutboundVoiceUKMobile(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst, other := s.newInstance(t), s.newInstance(t)
	call := func(instance, phone string) error {
		_, err := s.client.StartOutboundVoiceContact(ctx, &connect.StartOutboundVoiceContactInput{
			InstanceId: aws.String(instance), ContactFlowId: aws.String("f"), DestinationPhoneNumber: aws.String(phone),
			QueueId: aws.String("q"),
		})
		return err
	}
	var refused *types.DestinationNotAllowedException
	if err := call(inst, "+447700900123"); !errors.As(err, &refused) || !strings.Contains(aws.ToString(refused.Message), "+447") {
		t.Fatalf("UK mobile by default: %v; want DestinationNotAllowedException naming +447", err)
	}
	if out, err := s.client.SearchContacts(ctx, s.searchInput(inst)); err != nil || len(out.Contacts) != 0 {
		t.Fatalf("a refused call left contacts: %v, %v", out, err)
	}
	if err := call(inst, "+442079460000"); err != nil {
		t.Fatalf("UK landline: %v", err)
	}
	if err := call("00000000-0000-0000-0000-000000000000", "+447700900123"); !isTyped[types.ResourceNotFoundException](err) {
		t.Fatalf("unknown instance: %v; want ResourceNotFoundException first", err)
	}
	path := "/_connectd/instances/" + inst + "/settings"
	if r := s.raw(t, http.MethodGet, path, ""); r.status != 200 || !strings.Contains(r.body, `"AllowUKMobileDestinations":false`) {
		t.Fatalf("GET settings = %d %s", r.status, r.body)
	}
	if r := s.raw(t, http.MethodPut, path, `{"AllowUKMobileDestinations": true}`); r.status != 200 || !strings.Contains(r.body, `"AllowUKMobileDestinations":true`) {
		t.Fatalf("PUT settings = %d %s", r.status, r.body)
	}
	if err := call(inst, "+447700900123"); err != nil {
		t.Fatalf("UK mobile once allowed: %v", err)
	}
	if err := call(other, "+447700900123"); !errors.As(err, &refused) {
		t.Fatalf("another instance: %v; want DestinationNotAllowedException", err)
	}
	if r := s.raw(t, http.MethodPut, "/_connectd/instances/nope/settings", `{"AllowUKMobileDestinations": true}`); r.status != 404 {
		t.Fatalf("PUT settings of an unknown instance = %d %s", r.status, r.body)
	}
}
