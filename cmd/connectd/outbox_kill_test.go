//go:build unix

package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd/internal/pgtest"
)

// eventBus is an EventBridge stub (JSON 1.1, X-Amz-Target
// AWSEvents.PutEvents) that refuses every call until it is opened, then
// keeps the detail of each event it accepts.
type eventBus struct {
	mu     sync.Mutex
	open   bool
	events []map[string]any
}

func (b *eventBus) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	defer b.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if !b.open || r.Header.Get("X-Amz-Target") != "AWSEvents.PutEvents" {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"__type":"InternalException","message":"closed"}`)
		return
	}
	var in struct{ Entries []struct{ Detail string } }
	_ = json.Unmarshal(body, &in)
	for _, e := range in.Entries {
		var d map[string]any
		_ = json.Unmarshal([]byte(e.Detail), &d)
		b.events = append(b.events, d)
	}
	_, _ = io.WriteString(w, `{"FailedEntryCount":0,"Entries":[{"EventId":"1"}]}`)
}

// types returns the eventType of every accepted event of contact id.
func (b *eventBus) types(id string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, d := range b.events {
		if d["contactId"] == id {
			out = append(out, d["eventType"].(string))
		}
	}
	return out
}

// TestOutboxSurvivesSIGKILL: events committed while the sink is down are
// still delivered after the server is killed with SIGKILL and started
// again, on SQLite and on PostgreSQL.
func TestOutboxSurvivesSIGKILL(t *testing.T) {
	bin := buildBinary(t)
	t.Run("sqlite", func(t *testing.T) { killBeforeDelivery(t, bin, t.TempDir()) })
	t.Run("postgres", func(t *testing.T) { killBeforeDelivery(t, bin, pgtest.URL(t)) })
}

func killBeforeDelivery(t *testing.T, bin, data string) {
	bus := &eventBus{}
	srv := httptest.NewServer(bus)
	defer srv.Close()
	start := func() (string, *exec.Cmd) {
		cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
		cmd.Env = append(os.Environ(), "CONNECTD_CONTACT_EVENTS=eventbridge", "AWS_ENDPOINT_URL_EVENTBRIDGE="+srv.URL,
			"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret", "AWS_REGION=us-east-1",
			"AWS_MAX_ATTEMPTS=1", "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return readyURL(t, stderr), cmd
	}
	url, cmd := start()
	ctx := context.Background()
	client := sdkClient(url)
	inst, err := client.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("outbox"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	task, err := client.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: inst.Id, Name: aws.String("t"), ContactFlowId: aws.String("f")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(task.ContactId)
	if _, err := client.StopContact(ctx, &connect.StopContactInput{InstanceId: inst.Id, ContactId: task.ContactId}); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	if len(bus.types(id)) != 0 {
		t.Fatal("the closed bus accepted an event")
	}

	bus.mu.Lock()
	bus.open = true
	bus.mu.Unlock()
	start()
	want := []string{"INITIATED", "CONNECTED_TO_SYSTEM", "DISCONNECTED"}
	deadline := time.Now().Add(30 * time.Second)
	for !slices.Equal(bus.types(id), want) {
		if time.Now().After(deadline) {
			t.Fatalf("after SIGKILL and restart, the bus has %q of contact %s, want %q", bus.types(id), id, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
