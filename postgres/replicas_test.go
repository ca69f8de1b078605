package postgres_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/internal/pgtest"
)

// replica is one connectd server over its own Store, with an SDK client.
type replica struct {
	name   string
	client *connect.Client
}

func newReplica(t *testing.T, name, dsn string, clock connectd.Clock) *replica {
	t.Helper()
	store := open(t, dsn, clock)
	srv := httptest.NewServer(api.New(api.Config{
		Service: connectd.NewService(store, clock), Clock: clock, Region: "us-east-1", StoreName: "postgres", Ping: store.Ping,
	}))
	t.Cleanup(srv.Close)
	client := connect.NewFromConfig(aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:       srv.Client(),
		RetryMaxAttempts: 1, // every answer counts, none is retried away
	}, func(o *connect.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	return &replica{name: name, client: client}
}

// TestReplicas runs two connectd servers, each with its own Store, on one
// database, and has concurrent writers spread over both update the same
// contacts through the official SDK: no acknowledged key may be lost, no
// rejected key may appear, no map may exceed 32,768 bytes, and each
// replica must read the other's acknowledged writes at once.
func TestReplicas(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dsn := pgtest.DSN(t)
	clock := connectd.NewManualClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	replicas := []*replica{newReplica(t, "a", dsn, clock), newReplica(t, "b", dsn, clock)}

	inst, err := replicas[0].client.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: "CONNECT_MANAGED", InstanceAlias: aws.String("replicas"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := replicas[1].client.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: inst.Id}); err != nil {
		t.Fatalf("replica b does not see the instance replica a created: %v", err)
	}
	// Contact 0 and 1 take small values, all of which fit; contact 2
	// takes 1,000-byte values, so that its map fills up and the limit is
	// decided under contention.
	var contacts []string
	valueSize := []int{16, 32, 1000}
	for i := range valueSize {
		out, err := replicas[i%2].client.StartTaskContact(ctx, &connect.StartTaskContactInput{
			InstanceId: inst.Id, Name: aws.String(fmt.Sprintf("contact %d", i)), ContactFlowId: aws.String("flow"),
		})
		if err != nil {
			t.Fatal(err)
		}
		contacts = append(contacts, *out.ContactId)
	}

	const writers, updates = 12, 24
	type outcome struct {
		contact  int
		key, val string
		acked    bool
	}
	results := make([][]outcome, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for j := range updates {
				writer, reader := replicas[(w+j)%2], replicas[(w+j+1)%2]
				o := outcome{contact: (w + j) % len(contacts), key: fmt.Sprintf("w%02d_%02d", w, j)}
				o.val = strings.Repeat(string(rune('a'+w)), valueSize[o.contact])
				id := aws.String(contacts[o.contact])
				_, err := writer.client.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{
					InstanceId: inst.Id, InitialContactId: id, Attributes: map[string]string{o.key: o.val},
				})
				var invalid *types.InvalidParameterException
				switch {
				case err == nil:
					o.acked = true
				case errors.As(err, &invalid) && o.contact == 2:
				default:
					t.Errorf("update %s via %s: %v", o.key, writer.name, err)
					return
				}
				results[w] = append(results[w], o)
				if !o.acked {
					continue
				}
				// Read-your-writes across replicas: the other one has it.
				got, err := reader.client.GetContactAttributes(ctx, &connect.GetContactAttributesInput{
					InstanceId: inst.Id, InitialContactId: id,
				})
				if err != nil {
					t.Errorf("read via %s: %v", reader.name, err)
					return
				}
				if got.Attributes[o.key] != o.val {
					t.Errorf("%s acknowledged %s, but %s does not have it", writer.name, o.key, reader.name)
				}
			}
		})
	}
	wg.Wait()

	final := make([]map[string]string, len(contacts))
	for i, id := range contacts {
		for _, r := range replicas {
			got, err := r.client.GetContactAttributes(ctx, &connect.GetContactAttributesInput{
				InstanceId: inst.Id, InitialContactId: aws.String(id),
			})
			if err != nil {
				t.Fatal(err)
			}
			if final[i] == nil {
				final[i] = got.Attributes
			} else if fmt.Sprint(final[i]) != fmt.Sprint(got.Attributes) {
				t.Errorf("contact %d: the replicas disagree", i)
			}
		}
		if size := connectd.Attributes(final[i]).Size(); size > connectd.MaxAttributesBytes {
			t.Errorf("contact %d holds %d bytes, over the limit", i, size)
		}
	}
	acked, rejected := 0, 0
	for _, rs := range results {
		for _, o := range rs {
			v, ok := final[o.contact][o.key]
			switch {
			case o.acked && v != o.val:
				t.Errorf("acknowledged key %s of contact %d was lost", o.key, o.contact)
			case !o.acked && ok:
				t.Errorf("rejected key %s of contact %d is stored", o.key, o.contact)
			}
			if o.acked {
				acked++
			} else {
				rejected++
			}
		}
	}
	stored := 0
	for _, m := range final {
		stored += len(m)
	}
	if stored != acked {
		t.Errorf("%d keys stored, %d updates acknowledged", stored, acked)
	}
	// 32,768 / (6 + 1,000) = 32 keys fit in contact 2; it was sent 96.
	if want := connectd.MaxAttributesBytes / 1006; len(final[2]) != want || rejected != writers*updates/3-want {
		t.Errorf("contact 2 holds %d keys with %d rejected; want %d keys", len(final[2]), rejected, want)
	}
	t.Logf("%d updates acknowledged, %d rejected for size, over 2 replicas", acked, rejected)
}
