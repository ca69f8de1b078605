package api_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

func (s *testServer) update(ctx context.Context, inst, contact string, attrs map[string]string) error {
	_, err := s.client.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{
		InstanceId: aws.String(inst), InitialContactId: aws.String(contact), Attributes: attrs,
	})
	return err
}

func (s *testServer) get(t *testing.T, inst, contact string) map[string]string {
	t.Helper()
	out, err := s.client.GetContactAttributes(context.Background(), &connect.GetContactAttributesInput{
		InstanceId: aws.String(inst), InitialContactId: aws.String(contact),
	})
	if err != nil {
		t.Fatalf("GetContactAttributes: %v", err)
	}
	return out.Attributes
}

func TestUpdateMergesAndEmptyRemoves(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	c := s.newTask(t, inst, map[string]string{"a": "1", "b": "2"})
	if err := s.update(ctx, inst, c, map[string]string{"b": "3", "c": "4", "a": ""}); err != nil {
		t.Fatal(err)
	}
	got := s.get(t, inst, c)
	if len(got) != 2 || got["b"] != "3" || got["c"] != "4" {
		t.Fatalf("after merge: %v, want b=3 c=4", got)
	}
	// {} is a successful no-op.
	if err := s.update(ctx, inst, c, map[string]string{}); err != nil {
		t.Fatalf("empty update: %v", err)
	}
	if got := s.get(t, inst, c); len(got) != 2 {
		t.Fatalf("empty update changed the map: %v", got)
	}
	// LastUpdateTimestamp moves with an update.
	s.clock.Advance(time.Minute)
	if err := s.update(ctx, inst, c, map[string]string{"d": "5"}); err != nil {
		t.Fatal(err)
	}
	d, err := s.client.DescribeContact(ctx, &connect.DescribeContactInput{InstanceId: aws.String(inst), ContactId: aws.String(c)})
	if err != nil || d.Contact.LastUpdateTimestamp == nil || !d.Contact.LastUpdateTimestamp.Equal(start.Add(time.Minute)) {
		t.Fatalf("LastUpdateTimestamp = %v (err %v), want %v", d.Contact.LastUpdateTimestamp, err, start.Add(time.Minute))
	}
}

func TestAttributeSizeLimit(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	c := s.newTask(t, inst, nil)
	// Key "k" (1 byte) + 16,383 two-byte "é" (32,766 bytes) + "x" = 32,768 bytes.
	exact := map[string]string{"k": strings.Repeat("é", 16383) + "x"}
	if err := s.update(ctx, inst, c, exact); err != nil {
		t.Fatalf("exactly 32,768 bytes rejected: %v", err)
	}
	// Any one byte more is over, even spread across keys: "z"+"é" adds 3.
	over := map[string]string{"k": "", "kk": strings.Repeat("é", 16383) + "x"} // 2 + 32,767
	err := s.update(ctx, inst, c, over)
	msg := wantAPIError(t, err, "InvalidParameterException")
	if !strings.Contains(msg, "32769") || !strings.Contains(msg, "32768") {
		t.Fatalf("message %q does not give the size and the limit", msg)
	}
	wantTyped[types.InvalidParameterException](t, err)
	if got := s.get(t, inst, c); got["k"] != exact["k"] || len(got) != 1 {
		t.Fatal("rejected update changed the map")
	}
	// Three-byte characters: 1 + 3*10922 + 2 = 32,769.
	err = s.update(ctx, inst, c, map[string]string{"k": "", "q": strings.Repeat("日", 10922) + "xx"})
	wantTyped[types.InvalidParameterException](t, err)
	// The limit applies to the merged result, not the request alone.
	c2 := s.newTask(t, inst, map[string]string{"a": strings.Repeat("x", 20000)})
	err = s.update(ctx, inst, c2, map[string]string{"b": strings.Repeat("y", 20000)})
	wantTyped[types.InvalidParameterException](t, err)
	// Removing a key in the same request makes room.
	if err := s.update(ctx, inst, c2, map[string]string{"a": "", "b": strings.Repeat("y", 20000)}); err != nil {
		t.Fatalf("remove-and-add: %v", err)
	}
}

func TestAttributeKeyRule(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	c := s.newTask(t, inst, map[string]string{"keep": "me"})
	for _, key := range []string{"", "with space", "dot.ted", "$.Attributes", "slash/", "colon:", "ünïcode", "tab\t", "quote\"", "emoji😀"} {
		t.Run(fmt.Sprintf("%q", key), func(t *testing.T) {
			err := s.update(ctx, inst, c, map[string]string{"good": "1", key: "v"})
			wantTyped[types.InvalidParameterException](t, err)
		})
	}
	// Atomic: the good key that came with each bad one was not written.
	if got := s.get(t, inst, c); len(got) != 1 || got["keep"] != "me" {
		t.Fatalf("rejected updates changed the map: %v", got)
	}
	if err := s.update(ctx, inst, c, map[string]string{"Az09_-": "ok"}); err != nil {
		t.Fatalf("valid key rejected: %v", err)
	}
}

func TestAttributesOfUnknownContacts(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	err := s.update(ctx, inst, "missing", map[string]string{"a": "1"})
	wantTyped[types.ResourceNotFoundException](t, err)
	err = s.update(ctx, "missing-instance", "missing", map[string]string{"a": "1"})
	wantTyped[types.ResourceNotFoundException](t, err)
	_, err = s.client.GetContactAttributes(ctx, &connect.GetContactAttributesInput{InstanceId: aws.String(inst), InitialContactId: aws.String("missing")})
	wantTyped[types.ResourceNotFoundException](t, err)
	err = s.update(ctx, inst, strings.Repeat("c", 257), map[string]string{"a": "1"})
	wantTyped[types.InvalidParameterException](t, err)
	// GetContactAttributes models no InvalidParameterException: a bad id is InvalidRequestException.
	_, err = s.client.GetContactAttributes(ctx, &connect.GetContactAttributesInput{InstanceId: aws.String(inst), InitialContactId: aws.String(strings.Repeat("c", 257))})
	wantTyped[types.InvalidRequestException](t, err)
}

func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	c := s.newTask(t, inst, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.update(ctx, inst, c, map[string]string{fmt.Sprintf("key%02d", i): fmt.Sprint(i)})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent update: %v", err)
		}
	}
	got := s.get(t, inst, c)
	for i := 0; i < 64; i++ {
		if got[fmt.Sprintf("key%02d", i)] != fmt.Sprint(i) {
			t.Fatalf("key%02d lost; map has %d keys", i, len(got))
		}
	}
}

func TestConcurrentWritersCannotExceedLimit(t *testing.T) {
	s := newServer(t)
	ctx := context.Background()
	inst := s.newInstance(t)
	c := s.newTask(t, inst, nil)
	const writers = 16 // 16 × ~5,000 bytes would be 80,000 together
	var wg sync.WaitGroup
	ok := make(chan string, writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("w%02d", i)
			if err := s.update(ctx, inst, c, map[string]string{key: strings.Repeat("v", 5000)}); err == nil {
				ok <- key
			} else if !isTyped[types.InvalidParameterException](err) {
				t.Errorf("writer %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	close(ok)
	got := s.get(t, inst, c)
	size := 0
	for k, v := range got {
		size += len(k) + len(v)
	}
	acked := 0
	for key := range ok {
		acked++
		if _, there := got[key]; !there {
			t.Fatalf("acknowledged key %s missing", key)
		}
	}
	if size > 32768 || acked != len(got) || acked != 6 {
		t.Fatalf("size %d, %d acknowledged, %d stored; want ≤32768 and 6 of each", size, acked, len(got))
	}
}
