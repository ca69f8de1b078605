package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestImportExportEnqueueTimestamp: fixtures carry a queued contact's
// QueueId and EnqueueTimestamp; DescribeContact shows them as QueueInfo,
// export writes them back, and an EnqueueTimestamp without a QueueId is
// refused, naming the record.
func TestImportExportEnqueueTimestamp(t *testing.T) {
	const inst = "11111111-1111-4111-8111-111111111111"
	now := time.Now().Unix()
	contact := func(extra string) string {
		return `{"Instances":[{"Id":"` + inst + `"}],"Contacts":[{"InstanceId":"` + inst + `","Id":"c1","Channel":"TASK",` +
			`"InitiationTimestamp":` + itoa(int(now-60)) + `,` + extra + `}]}`
	}
	s := newServer(t)
	if r := s.raw(t, "POST", "/_connectd/import", contact(`"QueueId":"q1","EnqueueTimestamp":`+itoa(int(now-30)))); r.status != 200 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	qi := s.describe(t, inst, "c1").QueueInfo
	if qi == nil || aws.ToString(qi.Id) != "q1" || qi.EnqueueTimestamp == nil || qi.EnqueueTimestamp.Unix() != now-30 {
		t.Fatalf("QueueInfo %+v", qi)
	}
	if r := s.raw(t, "GET", "/_connectd/export", ""); !strings.Contains(r.body, `"QueueId":"q1","EnqueueTimestamp":`+itoa(int(now-30))) {
		t.Fatalf("export: %s", r.body)
	}
	for name, extra := range map[string]string{
		"no queue":          `"EnqueueTimestamp":` + itoa(int(now-30)),
		"before initiation": `"QueueId":"q1","EnqueueTimestamp":` + itoa(int(now-90)),
	} {
		if r := newServer(t).raw(t, "POST", "/_connectd/import", contact(extra)); r.status != 400 || !strings.Contains(r.body, "Contacts[0]") || !strings.Contains(r.body, "EnqueueTimestamp") {
			t.Errorf("%s: import answered %d %s", name, r.status, r.body)
		}
	}
}
