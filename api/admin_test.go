package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
)

func TestResetRemovesEveryAccount(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	s.newInstance(t)
	other := clientFor(s.url, s.http, "123456789012")
	if _, err := other.CreateInstance(ctx, &connect.CreateInstanceInput{IdentityManagementType: "SAML", InstanceAlias: aws.String("b"), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if r := s.raw(t, "POST", "/_connectd/reset", ""); r.status != 200 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	for _, c := range []*connect.Client{s.client, other} {
		out, err := c.ListInstances(ctx, &connect.ListInstancesInput{})
		if err != nil || len(out.InstanceSummaryList) != 0 {
			t.Fatalf("after reset: %d instances, err %v", len(out.InstanceSummaryList), err)
		}
	}
}

func TestClockEndpoints(t *testing.T) {
	clock := &connectd.OffsetClock{}
	s := newServer(t, func(c *api.Config) { c.Clock = clock })
	nowOf := func(r rawResponse) time.Time {
		t.Helper()
		var body struct{ Now float64 }
		if err := json.Unmarshal([]byte(r.body), &body); err != nil || r.status != 200 {
			t.Fatalf("clock response %d %s", r.status, r.body)
		}
		return time.UnixMilli(int64(body.Now * 1000))
	}
	target := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	got := nowOf(s.raw(t, "PUT", "/_connectd/clock", fmt.Sprintf(`{"Now": %d}`, target.Unix())))
	if d := got.Sub(target); d < 0 || d > 5*time.Second {
		t.Fatalf("after PUT the clock reads %v, want %v", got, target)
	}
	inst := s.newInstance(t)
	d, err := s.client.DescribeInstance(context.Background(), &connect.DescribeInstanceInput{InstanceId: aws.String(inst)})
	if err != nil || d.Instance.CreatedTime.Sub(target) > 5*time.Second || d.Instance.CreatedTime.Before(target) {
		t.Fatalf("CreatedTime %v does not follow the clock (%v)", d.Instance.CreatedTime, err)
	}
	got = nowOf(s.raw(t, "POST", "/_connectd/clock/advance", `{"Seconds": 86400}`))
	if d := got.Sub(target.Add(24 * time.Hour)); d < 0 || d > 5*time.Second {
		t.Fatalf("after advance the clock reads %v", got)
	}
	got = nowOf(s.raw(t, "DELETE", "/_connectd/clock", ""))
	if d := time.Since(got); d < -time.Second || d > 5*time.Second {
		t.Fatalf("after DELETE the clock reads %v, want about now", got)
	}
	wantWireError(t, s.raw(t, "PUT", "/_connectd/clock", `{"Now": "tomorrow"}`), 400, "SerializationException")
	wantWireError(t, s.raw(t, "PUT", "/_connectd/clock", `{}`), 400, "InvalidRequestException")
	wantWireError(t, s.raw(t, "POST", "/_connectd/clock/advance", `{"Secs": 1}`), 400, "SerializationException")
}

// fixtures is a small data set with a chain, historic timestamps and fixed ids.
const fixtures = `{
  "Instances": [{"Id": "11111111-1111-4111-8111-111111111111", "InstanceAlias": "fixture", "AccountId": "000000000000", "Region": "us-east-1"}],
  "Contacts": [
    {"InstanceId": "11111111-1111-4111-8111-111111111111", "Id": "c1", "Channel": "VOICE", "InitiationMethod": "INBOUND",
     "InitiationTimestamp": 1763800000, "DisconnectTimestamp": 1763800300.5, "Name": "first", "Attributes": {"tier": "gold"}},
    {"InstanceId": "11111111-1111-4111-8111-111111111111", "Id": "c2", "InitialContactId": "c1", "PreviousContactId": "c1",
     "Channel": "VOICE", "InitiationMethod": "TRANSFER", "InitiationTimestamp": 1763800301, "Attributes": {"agent": "ann"}}
  ]
}`

func TestImportAndExportRoundTrip(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	if r := s.raw(t, "POST", "/_connectd/import", fixtures); r.status != 200 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	const inst = "11111111-1111-4111-8111-111111111111"
	d, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String(inst), ContactId: aws.String("c2")})
	if err != nil {
		t.Fatal(err)
	}
	c := d.Contact
	if aws.ToString(c.InitialContactId) != "c1" || c.InitiationTimestamp.Unix() != 1763800301 || c.Attributes["tier"] != "gold" || c.Attributes["agent"] != "ann" {
		t.Fatalf("imported contact = %+v", c)
	}
	first, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String(inst), ContactId: aws.String("c1")})
	if err != nil || first.Contact.DisconnectTimestamp.UnixMilli() != 1763800300500 {
		t.Fatalf("DisconnectTimestamp = %v (%v)", first.Contact.DisconnectTimestamp, err)
	}

	exported := s.raw(t, "GET", "/_connectd/export", "")
	s2 := newServer(t)
	if r := s2.raw(t, "POST", "/_connectd/import", exported.body); r.status != 200 {
		t.Fatalf("re-import of the export: %d %s", r.status, r.body)
	}
	if again := s2.raw(t, "GET", "/_connectd/export", ""); again.body != exported.body {
		t.Fatalf("export → import → export differs:\n%s\n%s", exported.body, again.body)
	}
	// Importing the same ids again is refused, naming the record.
	r := s.raw(t, "POST", "/_connectd/import", fixtures)
	wantWireError(t, r, 400, "InvalidRequestException")
	if !strings.Contains(r.body, "Instances[0]") {
		t.Fatalf("message does not name the record: %s", r.body)
	}
}

func TestImportIsAtomic(t *testing.T) {
	for _, tc := range []struct{ name, doc, names string }{
		{"bad key", `{"Instances":[{"Id":"i1"}],"Contacts":[{"InstanceId":"i1","Id":"ok","Channel":"TASK"},{"InstanceId":"i1","Id":"bad","Channel":"TASK","Attributes":{"no spaces":"x"}}]}`, "Contacts[1]"},
		{"oversized map", `{"Instances":[{"Id":"i1"}],"Contacts":[{"InstanceId":"i1","Id":"big","Channel":"TASK","Attributes":{"k":"` + strings.Repeat("x", 32768) + `"}}]}`, "Contacts[0]"},
		{"unknown instance", `{"Instances":[{"Id":"i1"}],"Contacts":[{"InstanceId":"i2","Id":"c","Channel":"TASK"}]}`, "Contacts[0]"},
		{"unknown previous", `{"Instances":[{"Id":"i1"}],"Contacts":[{"InstanceId":"i1","Id":"c","Channel":"TASK","PreviousContactId":"zz"}]}`, "Contacts[0]"},
		{"bad channel", `{"Instances":[{"Id":"i1"}],"Contacts":[{"InstanceId":"i1","Id":"c","Channel":"FAX"}]}`, "Contacts[0]"},
		{"expired", `{"Instances":[{"Id":"i1"}],"Contacts":[{"InstanceId":"i1","Id":"c","Channel":"TASK","InitiationTimestamp":1500000000}]}`, "Contacts[0]"},
		{"bad alias", `{"Instances":[{"Id":"i1","InstanceAlias":"no_underscores"}]}`, "Instances[0]"},
		{"bad account", `{"Instances":[{"Id":"i1","AccountId":"12"}]}`, "Instances[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t)
			r := s.raw(t, "POST", "/_connectd/import", tc.doc)
			wantWireError(t, r, 400, "InvalidRequestException")
			if !strings.Contains(r.body, tc.names) {
				t.Fatalf("message does not name %s: %s", tc.names, r.body)
			}
			var snap struct{ Instances, Contacts []any }
			if err := json.Unmarshal([]byte(s.raw(t, "GET", "/_connectd/export", "").body), &snap); err != nil || len(snap.Instances)+len(snap.Contacts) != 0 {
				t.Fatalf("a refused import left %d instances, %d contacts (%v)", len(snap.Instances), len(snap.Contacts), err)
			}
		})
	}
}

func TestFaultsArriveAsTypedSDKErrors(t *testing.T) {
	run := func() []bool {
		s := newServer(t)
		ctx := context.Background()
		inst := s.newInstance(t)
		c := s.newTask(t, inst, nil)
		r := s.raw(t, "PUT", "/_connectd/faults", `{"Seed": 42, "Rules": [{"Operation": "UpdateContactAttributes", "Probability": 0.5, "Error": {"Code": "InternalServiceException", "Status": 500, "Message": "injected"}}]}`)
		if r.status != 200 || !strings.Contains(r.body, `"Seed":42`) {
			t.Fatalf("PUT faults: %d %s", r.status, r.body)
		}
		var failed []bool
		for i := 0; i < 20; i++ {
			err := s.update(ctx, inst, c, map[string]string{"k": fmt.Sprint(i)})
			if err != nil {
				wantTyped[types.InternalServiceException](t, err)
			}
			failed = append(failed, err != nil)
		}
		// Other operations are untouched, and DELETE clears the rules.
		s.get(t, inst, c)
		s.raw(t, "DELETE", "/_connectd/faults", "")
		if err := s.update(ctx, inst, c, map[string]string{"k": "x"}); err != nil {
			t.Fatalf("after DELETE: %v", err)
		}
		return failed
	}
	a, b := run(), run()
	n := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different faults at request %d: %v vs %v", i, a, b)
		}
		if a[i] {
			n++
		}
	}
	if n == 0 || n == len(a) {
		t.Fatalf("probability 0.5 failed %d of %d requests", n, len(a))
	}
}

func TestFaultLatencyAndValidation(t *testing.T) {
	s := newServer(t)
	inst := s.newInstance(t)
	s.raw(t, "PUT", "/_connectd/faults", `{"Rules": [{"Operation": "*", "LatencyMs": 100}]}`)
	begin := time.Now()
	if _, err := s.client.DescribeInstance(context.Background(), &connect.DescribeInstanceInput{InstanceId: aws.String(inst)}); err != nil {
		t.Fatal(err)
	}
	if time.Since(begin) < 100*time.Millisecond {
		t.Fatalf("LatencyMs 100 answered in %v", time.Since(begin))
	}
	for _, bad := range []string{
		`{"Rules": [{"Operation": "NoSuchOperation", "LatencyMs": 1}]}`,
		`{"Rules": [{"Operation": "*", "Probability": 2, "LatencyMs": 1}]}`,
		`{"Rules": [{"Operation": "*"}]}`,
		`{"Rules": [{"Operation": "*", "Error": {"Status": 500}}]}`,
		`{"Rules": [{"Operation": "*", "Error": {"Code": "X", "Status": 200}}]}`,
	} {
		wantWireError(t, s.raw(t, "PUT", "/_connectd/faults", bad), 400, "InvalidRequestException")
	}
}

func TestThrottleAWS(t *testing.T) {
	s := newServer(t, func(c *api.Config) { c.Throttle = true })
	ctx := context.Background()
	// CreateInstance: 0.1 per second, burst 1; it models ThrottlingException.
	s.newInstance(t)
	_, err := s.client.CreateInstance(ctx, &connect.CreateInstanceInput{IdentityManagementType: "SAML", InstanceAlias: aws.String("x2"), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true)})
	wantTyped[types.ThrottlingException](t, err)
	// Another account has its own buckets.
	other := clientFor(s.url, s.http, "123456789012")
	out, err := other.CreateInstance(ctx, &connect.CreateInstanceInput{IdentityManagementType: "SAML", InstanceAlias: aws.String("x3"), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true)})
	if err != nil {
		t.Fatalf("other account throttled: %v", err)
	}
	// DescribeInstance: 2 per second, burst 5, no ThrottlingException in its model.
	var throttled error
	for i := 0; i < 6 && throttled == nil; i++ {
		_, throttled = other.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: out.Id})
	}
	msg := wantAPIError(t, throttled, "TooManyRequestsException")
	if !strings.Contains(msg, "DescribeInstance") {
		t.Fatalf("message %q does not name the operation", msg)
	}
	// With retries, the SDK waits for a token and succeeds.
	if _, err := other.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: out.Id}, func(o *connect.Options) { o.RetryMaxAttempts = 10 }); err != nil {
		t.Fatalf("SDK retries did not get through the throttle: %v", err)
	}
}

func TestSeededIDsAndReadiness(t *testing.T) {
	ids := func() []string {
		s := newServer(t, func(c *api.Config) { c.NewID = connectd.NewSeededIDs(9) })
		inst := s.newInstance(t)
		return []string{inst, s.newTask(t, inst, nil)}
	}
	if a, b := ids(), ids(); a[0] != b[0] || a[1] != b[1] {
		t.Fatalf("same seed, different ids: %v %v", a, b)
	}
	s := newServer(t, func(c *api.Config) { c.NotReady = true; c.Admin = false })
	if r := s.raw(t, "GET", "/_connectd/ready", ""); r.status != 503 {
		t.Fatalf("ready before SetReady: %d", r.status)
	}
	s.handler.SetReady(true)
	if r := s.raw(t, "GET", "/_connectd/ready", ""); r.status != 200 {
		t.Fatalf("ready after SetReady: %d", r.status)
	}
	if r := s.raw(t, "GET", "/_localstack/health", ""); r.status != 200 || !strings.Contains(r.body, "running") {
		t.Fatalf("LocalStack health alias: %d %s", r.status, r.body)
	}
	// --admin=false: the control plane is gone, health stays.
	wantWireError(t, s.raw(t, "POST", "/_connectd/reset", ""), 404, "UnknownOperationException")
}
