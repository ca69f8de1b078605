package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// kinesisStub is a Kinesis stub (JSON 1.1, X-Amz-Target
// Kinesis_20131202.PutRecord) keeping each record it is given.
type kinesisStub struct {
	mu      sync.Mutex
	records []map[string]any
}

func (k *kinesisStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if r.Header.Get("X-Amz-Target") != "Kinesis_20131202.PutRecord" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"UnknownOperationException"}`)
		return
	}
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	k.mu.Lock()
	k.records = append(k.records, in)
	k.mu.Unlock()
	_, _ = io.WriteString(w, `{"ShardId":"shardId-000000000000","SequenceNumber":"1"}`)
}

func (k *kinesisStub) got() []map[string]any {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]map[string]any(nil), k.records...)
}

// kinesisAt starts a kinesisStub and points the SDK's standard
// configuration at it (AWS_ENDPOINT_URL_KINESIS), as serve reads it.
func kinesisAt(t *testing.T) *kinesisStub {
	stub := &kinesisStub{}
	srv := httptest.NewServer(stub)
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL_KINESIS", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	return stub
}

// TestContactRecordToKinesis: end to end, through serve and the SDK: a
// CONTACT_TRACE_RECORDS storage config on a Kinesis stream, then a task
// that starts and stops; the stream (at AWS_ENDPOINT_URL_KINESIS) receives
// the contact record, partition key the contact id.
func TestContactRecordToKinesis(t *testing.T) {
	stub := kinesisAt(t)
	url, stop := startInProcess(t, "--data", ":memory:")
	defer func() { _ = stop() }()
	c, ctx := sdkClient(url), context.Background()
	inst, err := c.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("ctr"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssociateInstanceStorageConfig(ctx, &connect.AssociateInstanceStorageConfigInput{
		InstanceId: inst.Id, ResourceType: types.InstanceStorageResourceTypeContactTraceRecords,
		StorageConfig: &types.InstanceStorageConfig{StorageType: types.StorageTypeKinesisStream,
			KinesisStreamConfig: &types.KinesisStreamConfig{StreamArn: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/ctr")}},
	}); err != nil {
		t.Fatal(err)
	}
	task, err := c.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: inst.Id, Name: aws.String("t"),
		ContactFlowId: aws.String("f"), Attributes: map[string]string{"sf_import": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.StopContact(ctx, &connect.StopContactInput{InstanceId: inst.Id, ContactId: task.ContactId}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(stub.got()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no record reached the stream")
		}
		time.Sleep(20 * time.Millisecond)
	}
	r := stub.got()[0]
	if r["StreamName"] != "ctr" || r["PartitionKey"] != aws.ToString(task.ContactId) {
		t.Fatalf("PutRecord = %v", r)
	}
	raw, _ := base64.StdEncoding.DecodeString(r["Data"].(string))
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	if rec["ContactId"] != aws.ToString(task.ContactId) || rec["Attributes"].(map[string]any)["sf_import"] != "true" ||
		rec["InstanceARN"] != aws.ToString(inst.Arn) {
		t.Fatalf("record = %v", rec)
	}
}
