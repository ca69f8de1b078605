package connecttest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd/connecttest"
)

func createInstance(t *testing.T, c *connect.Client) string {
	t.Helper()
	out, err := c.CreateInstance(context.Background(), &connect.CreateInstanceInput{
		IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("ct"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Id)
}

func TestServersAreIndependentAndSeeded(t *testing.T) {
	t.Parallel()
	a := connecttest.New(t, connecttest.WithSeed(5))
	b := connecttest.New(t, connecttest.WithSeed(5))
	idA, idB := createInstance(t, a.Client()), createInstance(t, b.Client())
	if idA != idB {
		t.Fatalf("same seed, different ids: %s %s", idA, idB)
	}
	if err := a.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Client().DescribeInstance(context.Background(), &connect.DescribeInstanceInput{InstanceId: aws.String(idB)}); err != nil {
		t.Fatalf("reset of one server reached the other: %v", err)
	}
	if _, err := a.Client().DescribeInstance(context.Background(), &connect.DescribeInstanceInput{InstanceId: aws.String(idA)}); err == nil {
		t.Fatal("instance survived Reset")
	}
}

func TestClockDrivesTimestamps(t *testing.T) {
	t.Parallel()
	srv := connecttest.New(t)
	at := time.Date(2019, 5, 1, 12, 0, 0, 0, time.UTC)
	srv.Clock().Set(at)
	id := createInstance(t, srv.Client())
	d, err := srv.Client().DescribeInstance(context.Background(), &connect.DescribeInstanceInput{InstanceId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Instance.CreatedTime; got.Before(at) || got.Sub(at) > 5*time.Second {
		t.Fatalf("CreatedTime %v, want about %v", got, at)
	}
}

func TestImportRefusesBadFixtures(t *testing.T) {
	t.Parallel()
	srv := connecttest.New(t)
	err := srv.Import(connecttest.Fixtures{
		Instances: []connecttest.Instance{{Id: "i"}},
		Contacts:  []connecttest.Contact{{InstanceId: "i", Id: "c", Channel: "TASK", Attributes: map[string]string{"bad key": "v"}}},
	})
	if err == nil || !strings.Contains(err.Error(), "Contacts[0]") || !strings.Contains(err.Error(), "bad key") {
		t.Fatalf("got %v, want an error naming Contacts[0] and the key", err)
	}
	if _, err := srv.Client().DescribeInstance(context.Background(), &connect.DescribeInstanceInput{InstanceId: aws.String("i")}); err == nil {
		t.Fatal("refused import left its instance behind")
	}
}

func TestThrottledClientRetries(t *testing.T) {
	t.Parallel()
	srv := connecttest.New(t, connecttest.WithThrottle())
	c := srv.Client(func(o *connect.Options) { o.RetryMaxAttempts = 1 })
	id := createInstance(t, c)
	var err error
	for i := 0; i < 6 && err == nil; i++ {
		_, err = c.DescribeInstance(context.Background(), &connect.DescribeInstanceInput{InstanceId: aws.String(id)})
	}
	if err == nil || !strings.Contains(err.Error(), "TooManyRequestsException") {
		t.Fatalf("6 quick DescribeInstance calls: %v, want TooManyRequestsException", err)
	}
}
