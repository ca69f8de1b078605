package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// deleteContactData sends DeleteContactData as the model spells it (its
// method and URI template read from the vendored model), signed with the
// SDK's v4 signer and the test client's key: the Go SDK v1.175.2 has no
// such operation.
func (s *testServer) deleteContactData(t *testing.T, instanceID, contactID string, fields ...string) (int, string, string) {
	t.Helper()
	route := vendoredOperations(t)["DeleteContactData"]
	path := strings.NewReplacer("{InstanceId}", instanceID, "{ContactId}", contactID).Replace(route.RequestURI)
	body, err := json.Marshal(map[string]any{"ContactFields": fields})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(route.Method, s.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	signJSON(t, req, body, aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"})
	resp, err := s.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), string(b)
}

// signJSON marks req as JSON and signs it, with body as its payload, with
// the SDK's own v4 signer.
func signJSON(t *testing.T, req *http.Request, body []byte, cred aws.Credentials) {
	t.Helper()
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), cred, req, hex.EncodeToString(sum[:]), "connect", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteContactData(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	task := s.newTask(t, inst, nil)
	if code, exc, body := s.deleteContactData(t, inst, task, "CUSTOMER_ENDPOINT"); code != 409 || exc != "ContactNotTerminatedException" {
		t.Fatalf("active contact: %d %s %s; want 409 ContactNotTerminatedException", code, exc, body)
	}
	if _, err := s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: &inst, ContactId: &task}); err != nil {
		t.Fatal(err)
	}
	if code, exc, body := s.deleteContactData(t, inst, task, "EMAIL_SUBJECT"); code != 400 || exc != "InvalidParameterException" {
		t.Fatalf("email field on a task: %d %s %s; want 400 InvalidParameterException", code, exc, body)
	}
	if code, exc, body := s.deleteContactData(t, inst, task, "PHONE"); code != 400 || !strings.Contains(body, "ContactFields") {
		t.Fatalf("a value outside the enum: %d %s %s; want 400 naming ContactFields", code, exc, body)
	}
	if code, _, body := s.deleteContactData(t, inst, task, "CUSTOMER_ENDPOINT"); code != 200 {
		t.Fatalf("terminated contact: %d %s", code, body)
	}
	r := s.raw(t, http.MethodGet, "/contacts/"+inst+"/"+task, "")
	if r.status != 200 || !strings.Contains(r.body, `"RedactedContactFields":["CUSTOMER_ENDPOINT"]`) {
		t.Fatalf("DescribeContact after the deletion = %d %s", r.status, r.body)
	}
	// Export and import carry the deletion (README).
	exported := s.raw(t, http.MethodGet, "/_connectd/export", "")
	if !strings.Contains(exported.body, `"RedactedContactFields":["CUSTOMER_ENDPOINT"]`) {
		t.Fatalf("export lacks the deletion: %s", exported.body)
	}
	s2 := newServer(t)
	if r := s2.raw(t, http.MethodPost, "/_connectd/import", exported.body); r.status != 200 {
		t.Fatalf("import of the export: %d %s", r.status, r.body)
	}
	if r := s2.raw(t, http.MethodGet, "/contacts/"+inst+"/"+task, ""); r.status != 200 || !strings.Contains(r.body, `"RedactedContactFields":["CUSTOMER_ENDPOINT"]`) {
		t.Fatalf("DescribeContact after the import = %d %s", r.status, r.body)
	}
	// The SDK still reads the contact (it ignores the member it lacks).
	if _, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: &inst, ContactId: &task}); err != nil {
		t.Fatal(err)
	}
	if code, exc, _ := s.deleteContactData(t, inst, "missing", "CUSTOMER_ENDPOINT"); code != 404 || exc != "ResourceNotFoundException" {
		t.Fatalf("unknown contact: %d %s", code, exc)
	}
	email, err := s.client.CreateContact(ctx, &connect.CreateContactInput{InstanceId: &inst, Channel: types.ChannelEmail,
		InitiationMethod: types.ContactInitiationMethodOutbound, UserInfo: &types.UserInfo{UserId: aws.String("agent")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.StopContact(ctx, &connect.StopContactInput{InstanceId: &inst, ContactId: email.ContactId}); err != nil {
		t.Fatal(err)
	}
	if code, _, body := s.deleteContactData(t, inst, aws.ToString(email.ContactId), "EMAIL_SUBJECT", "ADDITIONAL_EMAIL_RECIPIENTS"); code != 200 {
		t.Fatalf("email fields of an email: %d %s", code, body)
	}
}
