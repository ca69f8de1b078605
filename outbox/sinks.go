package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/connectd/connectd"
)

// NewSinks returns the SDK clients of cfg (from config.LoadDefaultConfig,
// whose endpoint settings each client reads: AWS_ENDPOINT_URL_KINESIS,
// AWS_ENDPOINT_URL_FIREHOSE, AWS_ENDPOINT_URL_EVENTBRIDGE,
// AWS_ENDPOINT_URL). EventBridge is left out unless events is set (serve
// --contact-events eventbridge).
func NewSinks(cfg aws.Config, events bool) Sinks {
	s := Sinks{
		Kinesis:  kinesisSink{kinesis.NewFromConfig(cfg)},
		Firehose: firehoseSink{firehose.NewFromConfig(cfg)},
	}
	if events {
		s.EventBridge = eventBridgeSink{eventbridge.NewFromConfig(cfg)}
	}
	return s
}

// arnParts returns the region and the resource name of an ARN
// "arn:partition:service:region:account:type/name".
func arnParts(arn string) (region, name string, err error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return "", "", fmt.Errorf("%q is not an ARN", arn)
	}
	_, name, ok := strings.Cut(parts[5], "/")
	if !ok || name == "" {
		return "", "", fmt.Errorf("ARN %q names no stream", arn)
	}
	return parts[3], name, nil
}

// inRegion sends a call to the region of the stream's ARN, which may not
// be the configured one.
func inRegion[O any](region string) func(*O) {
	return func(o *O) {
		if region == "" {
			return
		}
		switch o := any(o).(type) {
		case *kinesis.Options:
			o.Region = region
		case *firehose.Options:
			o.Region = region
		}
	}
}

// kinesisSink puts each record with PutRecord, partition key the contact
// id, as Amazon Connect does: PutRecords "does not guarantee the ordering
// of records" (Kinesis API reference), PutRecord does within a partition
// key, and a contact's records must arrive in order.
type kinesisSink struct{ c *kinesis.Client }

func (k kinesisSink) PutRecord(ctx context.Context, arn string, e *connectd.OutboxEntry) error {
	region, name, err := arnParts(arn)
	if err != nil {
		return err
	}
	// StreamName rather than StreamARN: every Kinesis-compatible server
	// (LocalStack's older releases among them) takes a name.
	_, err = k.c.PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName: aws.String(name), PartitionKey: aws.String(e.ContactID), Data: e.Payload,
	}, inRegion[kinesis.Options](region))
	return err
}

// firehoseSink puts each record with PutRecordBatch. A batch call can
// succeed while refusing its records (FailedPutCount), which is a failure
// here.
type firehoseSink struct{ c *firehose.Client }

func (f firehoseSink) PutRecord(ctx context.Context, arn string, e *connectd.OutboxEntry) error {
	region, name, err := arnParts(arn)
	if err != nil {
		return err
	}
	out, err := f.c.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{
		DeliveryStreamName: aws.String(name), Records: []fhtypes.Record{{Data: e.Payload}},
	}, inRegion[firehose.Options](region))
	if err != nil {
		return err
	}
	if aws.ToInt32(out.FailedPutCount) > 0 && len(out.RequestResponses) > 0 {
		r := out.RequestResponses[0]
		return fmt.Errorf("firehose refused the record: %s: %s", aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage))
	}
	return nil
}

// eventBridgeSink puts each event on the default bus with PutEvents.
//
// Real EventBridge refuses PutEvents entries whose source begins with
// "aws." from anyone but AWS itself; connectd sends them anyway, with
// the source Amazon Connect's events carry, because its consumers' rules
// match on it, and the servers connectd is pointed at (LocalStack, test
// stubs) accept it.
type eventBridgeSink struct{ c *eventbridge.Client }

func (b eventBridgeSink) PutEvent(ctx context.Context, e *connectd.OutboxEntry) error {
	var ev struct {
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Time       time.Time       `json:"time"`
		Resources  []string        `json:"resources"`
		Detail     json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(e.Payload, &ev); err != nil {
		return fmt.Errorf("decode event %d: %w", e.Seq, err)
	}
	out, err := b.c.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
		Source: aws.String(ev.Source), DetailType: aws.String(ev.DetailType), Detail: aws.String(string(ev.Detail)),
		Resources: ev.Resources, Time: aws.Time(ev.Time), EventBusName: aws.String("default"),
	}}})
	if err != nil {
		return err
	}
	if out.FailedEntryCount > 0 && len(out.Entries) > 0 {
		r := out.Entries[0]
		return fmt.Errorf("eventbridge refused the event: %s: %s", aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage))
	}
	return nil
}
