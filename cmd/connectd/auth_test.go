package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/smithy-go"
)

// writeCredentials writes a credentials file with two keys of two accounts.
func writeCredentials(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "creds.json")
	doc := `[{"AccessKeyId": "AKIDALICE", "SecretAccessKey": "alice-secret", "AccountId": "111111111111"},
	         {"AccessKeyId": "AKIDBOB", "SecretAccessKey": "bob-secret", "AccountId": "222222222222"}]`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func clientAs(url, key, secret, region string) *connect.Client {
	return connect.NewFromConfig(aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
	}, func(o *connect.Options) {
		o.BaseEndpoint = aws.String(url)
		o.RetryMaxAttempts = 1
	})
}

func createInstance(t *testing.T, c *connect.Client) *connect.CreateInstanceOutput {
	t.Helper()
	out, err := c.CreateInstance(context.Background(), &connect.CreateInstanceInput{
		IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("auth"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("CreateInstance: %v", err)
	}
	return out
}

// wantAPIError asserts that err is the AWS error code, as the SDK sees it.
func wantAPIError(t *testing.T, err error, code, msgPart string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msgPart) {
		t.Fatalf("got %v, want %s containing %q", err, code, msgPart)
	}
}

func TestSigV4ModeVerifiesThroughTheSDK(t *testing.T) {
	url, stop := startInProcess(t, "--data", ":memory:", "--auth", "sigv4", "--credentials", writeCredentials(t))
	defer stop()
	ctx := context.Background()

	alice := clientAs(url, "AKIDALICE", "alice-secret", "eu-west-2")
	inst := createInstance(t, alice)
	if want := "arn:aws:connect:eu-west-2:111111111111:instance/" + *inst.Id; *inst.Arn != want {
		t.Fatalf("ARN %s, want %s: the credentials file's account and the scope's region", *inst.Arn, want)
	}
	if _, err := alice.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: inst.Id}); err != nil {
		t.Fatalf("signed by a known key: %v", err)
	}

	// Another account, and the same account in another region, see nothing.
	_, err := clientAs(url, "AKIDBOB", "bob-secret", "eu-west-2").DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: inst.Id})
	wantAPIError(t, err, "ResourceNotFoundException", "")
	_, err = clientAs(url, "AKIDALICE", "alice-secret", "us-east-1").DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: inst.Id})
	wantAPIError(t, err, "ResourceNotFoundException", "")

	_, err = clientAs(url, "AKIDALICE", "wrong-secret", "eu-west-2").DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: inst.Id})
	wantAPIError(t, err, "InvalidSignatureException", "signature we calculated does not match")
	_, err = clientAs(url, "AKIDMALLORY", "x", "eu-west-2").DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: inst.Id})
	wantAPIError(t, err, "UnrecognizedClientException", "security token included in the request is invalid")

	// Unsigned and malformed requests, as curl would send them.
	resp := rawRequest(t, url+"/instance/"+*inst.Id, "")
	wantRawError(t, resp, 403, "MissingAuthenticationTokenException")
	resp = rawRequest(t, url+"/instance/"+*inst.Id, "AWS4-HMAC-SHA256 Credential=AKIDALICE/20260101/eu-west-2/connect")
	wantRawError(t, resp, 400, "IncompleteSignatureException")
	// An unsigned request to an unknown path is refused before routing, as AWS does.
	resp = rawRequest(t, url+"/no/such/path", "")
	wantRawError(t, resp, 403, "MissingAuthenticationTokenException")

	// An oversized body is refused by size before its signature is read.
	big, err := http.Post(url+"/contact/attributes", "application/json", bytes.NewReader(make([]byte, 13<<20)))
	if err != nil {
		t.Fatal(err)
	}
	defer big.Body.Close()
	wantRawError(t, big, 413, "RequestEntityTooLargeException")

	// Health stays open to unsigned probes (control_test.go has the rest).
	if resp := rawRequest(t, url+"/_connectd/health", ""); resp.StatusCode != 200 {
		t.Fatalf("health without a signature: %d", resp.StatusCode)
	}
}

func TestNoneModeMapsAccountsFromTheCredentialsFile(t *testing.T) {
	url, stop := startInProcess(t, "--data", ":memory:", "--credentials", writeCredentials(t))
	defer stop()
	// In none mode a wrong secret is accepted, but the key still picks the account.
	inst := createInstance(t, clientAs(url, "AKIDBOB", "not-checked", "us-west-2"))
	if !strings.Contains(*inst.Arn, ":us-west-2:222222222222:") {
		t.Fatalf("ARN %s, want account 222222222222 in us-west-2", *inst.Arn)
	}
	// Keys not in the file follow the default rule: 12 digits are the account.
	inst = createInstance(t, clientAs(url, "333333333333", "x", "us-east-1"))
	if !strings.Contains(*inst.Arn, ":us-east-1:333333333333:") {
		t.Fatalf("ARN %s, want account 333333333333", *inst.Arn)
	}
	inst = createInstance(t, clientAs(url, "AKIDOTHER", "x", "us-east-1"))
	if !strings.Contains(*inst.Arn, ":000000000000:") {
		t.Fatalf("ARN %s, want the default account", *inst.Arn)
	}
}

func TestSigV4ModeRefusesToStartWithoutCredentials(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data", ":memory:", "--auth", "sigv4"},
		env{stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "--auth sigv4 needs --credentials") {
		t.Fatalf("got %v, want a refusal that names --credentials", err)
	}
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, []byte(`[{"AccessKeyId": "AKID"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data", ":memory:", "--auth", "sigv4", "--credentials", path},
		env{stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "--credentials") {
		t.Fatalf("got %v, want an error about the credentials file", err)
	}
}

func rawRequest(t *testing.T, url, authorization string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
		req.Header.Set("X-Amz-Date", "20260101T000000Z")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func wantRawError(t *testing.T, resp *http.Response, status int, exc string) {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status || resp.Header.Get("X-Amzn-ErrorType") != exc || !strings.Contains(string(body), `"Message"`) {
		t.Fatalf("got %d %q %s, want %d %s with a JSON message", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body, status, exc)
	}
}
