package connecttest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd/connecttest"
)

// Example shows the whole flow: start a server, load fixtures with fixed
// ids and historic timestamps, use the SDK, move the clock, inject a fault.
// In a test, connecttest.New(t) does Start and Close for you.
func Example() {
	srv, err := connecttest.Start(connecttest.WithSeed(1))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ctx := context.Background()
	client := srv.Client()

	srv.Clock().Set(time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC))
	err = srv.Import(connecttest.Fixtures{
		Instances: []connecttest.Instance{{Id: "inst-1", InstanceAlias: "demo"}},
		Contacts: []connecttest.Contact{{
			InstanceId: "inst-1", Id: "call-1", Channel: "VOICE", InitiationMethod: "INBOUND",
			InitiationTimestamp: time.Date(2026, 1, 14, 17, 30, 0, 0, time.UTC),
			Attributes:          map[string]string{"tier": "gold"},
		}},
	})
	if err != nil {
		panic(err)
	}

	_, err = client.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{
		InstanceId: aws.String("inst-1"), InitialContactId: aws.String("call-1"),
		Attributes: map[string]string{"priority": "high"},
	})
	if err != nil {
		panic(err)
	}
	out, err := client.GetContactAttributes(ctx, &connect.GetContactAttributesInput{
		InstanceId: aws.String("inst-1"), InitialContactId: aws.String("call-1"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("tier:", out.Attributes["tier"], "priority:", out.Attributes["priority"])

	// Two years on, the contact is past Amazon Connect's 24-month retention.
	srv.Clock().Advance(2 * 366 * 24 * time.Hour)
	_, err = client.DescribeContact(ctx, &connect.DescribeContactInput{
		InstanceId: aws.String("inst-1"), ContactId: aws.String("call-1"),
	})
	var notFound *types.ResourceNotFoundException
	fmt.Println("expired:", errors.As(err, &notFound))

	// Make the service fail the way the real one can.
	_ = srv.Faults(connecttest.Fault{Operation: "DescribeInstance", ErrorCode: "InternalServiceException"})
	_, err = client.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String("inst-1")},
		func(o *connect.Options) { o.RetryMaxAttempts = 1 })
	var internal *types.InternalServiceException
	fmt.Println("injected:", errors.As(err, &internal))
	// Output:
	// tier: gold priority: high
	// expired: true
	// injected: true
}
