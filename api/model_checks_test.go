package api_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestModelConstraintsOnTheWire: constraints that come from the generated
// tables (and the patch file's departures) reach the wire as the
// operation's modeled 400, with a message naming the member and the
// constraint.
func TestModelConstraintsOnTheWire(t *testing.T) {
	s := newServer(t)
	inst := s.newInstance(t)
	voice := `{"InstanceId":"` + inst + `","ContactFlowId":"f","QueueId":"q","DestinationPhoneNumber":`
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		exc, want                string
	}{
		// patch.json anchors PhoneNumber: the model's pattern, a search,
		// would accept text before the number.
		{"phone with a prefix", "PUT", "/contact/outbound-voice", voice + `"x+12065550100"}`, 400, "InvalidParameterException",
			`Member DestinationPhoneNumber must satisfy the pattern ^\+[1-9]\d{1,14}$; got "x+12065550100".`},
		// patch.json: ExpiryDurationInMinutes at least 1.
		{"expiry of zero", "PUT", "/contact/create-contact", `{"InstanceId":"` + inst + `","Channel":"TASK","InitiationMethod":"API","ExpiryDurationInMinutes":0}`,
			400, "InvalidParameterException", "Member ExpiryDurationInMinutes must be at least 1; got 0."},
		// A query-string list is checked item by item, under its wire name.
		{"query list item", "GET", "/contact/references/" + inst + "/c?referenceTypes=URL&referenceTypes=FAX", "", 400, "InvalidParameterException",
			"Member referenceTypes[1] must be one of URL, ATTACHMENT"},
		{"query integer range", "GET", "/instance?maxResults=11", "", 400, "InvalidRequestException",
			"Member maxResults must be between 1 and 10; got 11."},
		// A member connectd does not keep is still checked, type included.
		{"unkept member's type", "PUT", "/contact/chat", `{"InstanceId":"` + inst + `","ContactFlowId":"f","ParticipantDetails":{"DisplayName":"d"},"CustomerId":5}`,
			400, "SerializationException", "Member CustomerId must be of type string, not JSON number."},
		{"unkept member's length", "PUT", "/contact/chat", `{"InstanceId":"` + inst + `","ContactFlowId":"f","ParticipantDetails":{"DisplayName":"d"},"CustomerId":"` + strings.Repeat("c", 129) + `"}`,
			400, "InvalidParameterException", "Member CustomerId must be at most 128 characters long; it has 129."},
		// A label is checked like a body member.
		{"label length", "GET", "/instance/" + strings.Repeat("i", 101), "", 400, "InvalidRequestException",
			"Member InstanceId must be at most 100 characters long; it has 101."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.raw(t, tc.method, tc.path, tc.body)
			wantWireError(t, r, tc.status, tc.exc)
			var e struct{ Message string }
			_ = json.Unmarshal([]byte(r.body), &e)
			if !strings.Contains(e.Message, tc.want) {
				t.Fatalf("message %q, want %q", e.Message, tc.want)
			}
		})
	}
}
