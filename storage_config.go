package connectd

import (
	"context"
	"slices"
	"strings"
)

// The resource type whose storage configs connectd delivers to: contact
// records. Every other resource type of the model (AGENT_EVENTS,
// CHAT_TRANSCRIPTS, CALL_RECORDINGS, ...) is stored and listed, but
// connectd produces nothing for it to receive.
const ResourceContactTraceRecords = "CONTACT_TRACE_RECORDS"

// The storage types contact records can be streamed to.
const (
	StorageKinesisStream   = "KINESIS_STREAM"
	StorageKinesisFirehose = "KINESIS_FIREHOSE"
)

// StorageConfig is an instance storage config: where the instance's data of
// one resource type goes.
type StorageConfig struct {
	InstanceID    string
	AssociationID string
	ResourceType  string
	StorageType   string
	// StreamARN is KinesisStreamConfig.StreamArn (KINESIS_STREAM);
	// FirehoseARN is KinesisFirehoseConfig.FirehoseArn (KINESIS_FIREHOSE).
	StreamARN   string
	FirehoseARN string
	// Document is the whole config as the caller sent it, in the wire's
	// form, so that Describe answers with every member (S3Config and the
	// rest), which the domain keeps without reading.
	Document []byte
}

// Target returns the ARN records go to, or "" for a config that receives
// none.
func (sc *StorageConfig) Target() string {
	if sc.ResourceType != ResourceContactTraceRecords {
		return ""
	}
	switch sc.StorageType {
	case StorageKinesisStream:
		return sc.StreamARN
	case StorageKinesisFirehose:
		return sc.FirehoseARN
	}
	return ""
}

// StorageConfigTx is the storage configs' part of a Tx.
type StorageConfigTx interface {
	// StorageConfigs returns the configs of the instance of resourceType
	// ("" for every type), in AssociationID order.
	StorageConfigs(ctx context.Context, instanceID, resourceType string) ([]*StorageConfig, error)
	// PutStorageConfig stores sc, replacing the config with its
	// AssociationID if there is one.
	PutStorageConfig(ctx context.Context, sc *StorageConfig) error
	// DeleteStorageConfig removes a config and reports whether there was one.
	DeleteStorageConfig(ctx context.Context, instanceID, associationID string) (bool, error)
}

// MaxStorageConfigsPage is the largest page of ListInstanceStorageConfigs
// (MaxResult10 in the model).
const MaxStorageConfigsPage = 10

// checkStorageConfig applies the rules the model's shapes cannot: a
// stream config names its stream, and contact records go only to Kinesis
// Data Streams or Firehose ("Contact records: Kinesis Data Streams or
// Amazon Data Firehose", Administrator Guide, "Enable data streaming").
func checkStorageConfig(sc *StorageConfig) error {
	switch {
	case sc.ResourceType == ResourceContactTraceRecords &&
		!slices.Contains([]string{StorageKinesisStream, StorageKinesisFirehose}, sc.StorageType):
		return Errorf(EINVALIDREQUEST, "StorageType %s is not available for CONTACT_TRACE_RECORDS; use KINESIS_STREAM or KINESIS_FIREHOSE.", sc.StorageType)
	case sc.StorageType == StorageKinesisStream && !strings.HasPrefix(sc.StreamARN, "arn:"):
		return Errorf(EINVALIDREQUEST, "StorageType KINESIS_STREAM needs KinesisStreamConfig.StreamArn, an ARN.")
	case sc.StorageType == StorageKinesisFirehose && !strings.HasPrefix(sc.FirehoseARN, "arn:"):
		return Errorf(EINVALIDREQUEST, "StorageType KINESIS_FIREHOSE needs KinesisFirehoseConfig.FirehoseArn, an ARN.")
	}
	return nil
}
