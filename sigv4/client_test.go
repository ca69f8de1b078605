package sigv4_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/smithy-go"

	"github.com/connectd/connectd/sigv4"
)

// TestConnectClient drives the official Connect client, with its whole
// middleware stack, against a server that only verifies signatures.
func TestConnectClient(t *testing.T) {
	v := sigv4.NewVerifier([]sigv4.Credential{connectCred, tokenCred}, sigv4.Options{})
	var mu sync.Mutex
	var verified []sigv4.Result
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		res, err := v.Verify(r, body)
		if err != nil {
			var e *sigv4.Error
			errors.As(err, &e)
			w.Header().Set("X-Amzn-ErrorType", e.ExceptionName())
			w.WriteHeader(e.Status())
			io.WriteString(w, `{"Message":"`+e.Kind.String()+`"}`)
			return
		}
		mu.Lock()
		verified = append(verified, res)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{}")
	}))
	defer srv.Close()

	client := func(c sigv4.Credential) *connect.Client {
		return connect.New(connect.Options{
			Region:           "ap-southeast-2",
			BaseEndpoint:     aws.String(srv.URL),
			Credentials:      credentials.NewStaticCredentialsProvider(c.AccessKeyId, c.SecretAccessKey, c.SessionToken),
			RetryMaxAttempts: 1,
		})
	}
	ctx := context.Background()
	// Labels with characters that need escaping, twice in the canonical URI.
	ids := []string{"plain-id", "a b", "x:y+z", "100%", "ünï/cødé", "semi;colon&amp=eq", "~._-"}
	n := 0
	for _, cred := range []sigv4.Credential{connectCred, tokenCred} {
		c := client(cred)
		for _, id := range ids {
			if _, err := c.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{
				InstanceId: aws.String(id), InitialContactId: aws.String(id + "c"),
				Attributes: map[string]string{"k": "v w", "ü": "ß"},
			}); err != nil {
				t.Fatalf("UpdateContactAttributes(%q): %v", id, err)
			}
			if _, err := c.GetContactAttributes(ctx, &connect.GetContactAttributesInput{
				InstanceId: aws.String(id), InitialContactId: aws.String(id),
			}); err != nil {
				t.Fatalf("GetContactAttributes(%q): %v", id, err)
			}
			if _, err := c.ListContactReferences(ctx, &connect.ListContactReferencesInput{
				InstanceId: aws.String(id), ContactId: aws.String(id),
				ReferenceTypes: []types.ReferenceType{types.ReferenceTypeUrl, types.ReferenceTypeAttachment},
				NextToken:      aws.String(id + "/+= &next"),
			}); err != nil {
				t.Fatalf("ListContactReferences(%q): %v", id, err)
			}
			n += 3
		}
	}
	if len(verified) != n {
		t.Fatalf("verified %d requests, want %d", len(verified), n)
	}
	for _, r := range verified {
		if r.Region != "ap-southeast-2" {
			t.Fatalf("region %q", r.Region)
		}
	}

	bad := connectCred
	bad.SecretAccessKey = "wrong"
	_, err := client(bad).GetContactAttributes(ctx, &connect.GetContactAttributesInput{
		InstanceId: aws.String("i"), InitialContactId: aws.String("c"),
	})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidSignatureException" {
		t.Fatalf("wrong secret: got %v, want InvalidSignatureException", err)
	}
}
