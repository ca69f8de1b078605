package storetest

import (
	"testing"

	"github.com/connectd/connectd"
)

// storageTests hold each store to the storage config use cases.
var storageTests = []storeTest{
	{"Lifecycle", testStorageLifecycle},
	{"RefusedChangesNothing", testStorageRefused},
	{"GoWithTheirInstance", testStorageCascade},
}

func streamConfig(f *fixture, id, arn string) *connectd.StorageConfig {
	return &connectd.StorageConfig{InstanceID: f.inst.ID, AssociationID: id, ResourceType: connectd.ResourceContactTraceRecords,
		StorageType: connectd.StorageKinesisStream, StreamARN: arn, Document: []byte(`{"StorageType":"KINESIS_STREAM"}`)}
}

func testStorageLifecycle(t *testing.T, f *fixture) {
	const arn = "arn:aws:kinesis:us-east-1:111122223333:stream/s"
	for _, id := range []string{"b", "a", "c"} {
		if err := f.svc.AssociateStorageConfig(f.ctx, f.owner, streamConfig(f, id, arn)); err != nil {
			t.Fatal(err)
		}
	}
	s3 := &connectd.StorageConfig{InstanceID: f.inst.ID, AssociationID: "s3", ResourceType: "CHAT_TRANSCRIPTS",
		StorageType: "S3", Document: []byte(`{"StorageType":"S3","S3Config":{"BucketName":"b"}}`)}
	if err := f.svc.AssociateStorageConfig(f.ctx, f.owner, s3); err != nil {
		t.Fatal(err)
	}
	page, more, err := f.svc.ListStorageConfigs(f.ctx, f.owner, f.inst.ID, connectd.ResourceContactTraceRecords, "", 2)
	if err != nil || !more || len(page) != 2 || page[0].AssociationID != "a" || page[1].AssociationID != "b" {
		t.Fatalf("first page = %v, more %v, %v", page, more, err)
	}
	page, more, err = f.svc.ListStorageConfigs(f.ctx, f.owner, f.inst.ID, connectd.ResourceContactTraceRecords, "b", 2)
	if err != nil || more || len(page) != 1 || page[0].AssociationID != "c" {
		t.Fatalf("second page = %v, more %v, %v", page, more, err)
	}
	got, err := f.svc.DescribeStorageConfig(f.ctx, f.owner, f.inst.ID, "s3", "CHAT_TRANSCRIPTS")
	if err != nil || string(got.Document) != string(s3.Document) || got.Target() != "" {
		t.Fatalf("Describe(s3) = %+v, %v; want the document as stored and no record target", got, err)
	}
	_, err = f.svc.DescribeStorageConfig(f.ctx, f.owner, f.inst.ID, "s3", connectd.ResourceContactTraceRecords)
	wantCode(t, err, connectd.ENOTFOUND) // found only under its own resource type
	fh := streamConfig(f, "a", "")
	fh.StorageType, fh.FirehoseARN = connectd.StorageKinesisFirehose, "arn:aws:firehose:us-east-1:111122223333:deliverystream/d"
	if err := f.svc.UpdateStorageConfig(f.ctx, f.owner, fh); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DisassociateStorageConfig(f.ctx, f.owner, f.inst.ID, "c", connectd.ResourceContactTraceRecords); err != nil {
		t.Fatal(err)
	}
	targets, err := f.svc.RecordTargets(f.ctx, f.inst.ID)
	if err != nil || len(targets) != 2 || targets[0].Target() != fh.FirehoseARN || targets[1].Target() != arn {
		t.Fatalf("RecordTargets = %v, %v; want the firehose a and the stream b", targets, err)
	}
}

func testStorageRefused(t *testing.T, f *fixture) {
	other := connectd.Owner{AccountID: "999999999999", Region: f.owner.Region}
	wantCode(t, f.svc.AssociateStorageConfig(f.ctx, other, streamConfig(f, "x", "arn:aws:kinesis:us-east-1:1:stream/s")), connectd.ENOTFOUND)
	wantCode(t, f.svc.AssociateStorageConfig(f.ctx, f.owner, streamConfig(f, "x", "")), connectd.EINVALIDREQUEST)
	bad := streamConfig(f, "x", "")
	bad.StorageType = "S3"
	wantCode(t, f.svc.AssociateStorageConfig(f.ctx, f.owner, bad), connectd.EINVALIDREQUEST)
	wantCode(t, f.svc.UpdateStorageConfig(f.ctx, f.owner, streamConfig(f, "nope", "arn:aws:kinesis:us-east-1:1:stream/s")), connectd.ENOTFOUND)
	wantCode(t, f.svc.DisassociateStorageConfig(f.ctx, f.owner, f.inst.ID, "nope", connectd.ResourceContactTraceRecords), connectd.ENOTFOUND)
	if page, _, err := f.svc.ListStorageConfigs(f.ctx, f.owner, f.inst.ID, "", "", 10); err != nil || len(page) != 0 {
		t.Fatalf("refused requests left %v (%v)", page, err)
	}
}

func testStorageCascade(t *testing.T, f *fixture) {
	if err := f.svc.AssociateStorageConfig(f.ctx, f.owner, streamConfig(f, "x", "arn:aws:kinesis:us-east-1:1:stream/s")); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeleteInstance(f.ctx, f.owner, f.inst.ID); err != nil {
		t.Fatal(err)
	}
	if targets, err := f.svc.RecordTargets(f.ctx, f.inst.ID); err != nil || len(targets) != 0 {
		t.Fatalf("a deleted instance's configs remain: %v, %v", targets, err)
	}
}
