//go:build unix

package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connectd/connectd/internal/pgtest"
)

// startBinary runs the built connectd binary on --data data and returns its
// URL and the running command.
func startBinary(t *testing.T, bin, data string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
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

// buildBinary builds the connectd binary into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "connectd")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestAcknowledgedWritesSurviveSIGKILL has writers record every update the
// server acknowledged, kills the server with SIGKILL in the middle of the
// load, restarts it on the same store and checks that every acknowledged
// update is there: for the SQLite directory and for a PostgreSQL database.
func TestAcknowledgedWritesSurviveSIGKILL(t *testing.T) {
	bin := buildBinary(t)
	t.Run("sqlite", func(t *testing.T) { killMidLoad(t, bin, t.TempDir()) })
	t.Run("postgres", func(t *testing.T) { killMidLoad(t, bin, pgtest.URL(t)) })
}

func killMidLoad(t *testing.T, bin, data string) {
	url, cmd := startBinary(t, bin, data)
	ctx := context.Background()
	client := sdkClient(url)
	inst, err := client.CreateInstance(ctx, &connect.CreateInstanceInput{
		IdentityManagementType: types.DirectoryTypeConnectManaged, InstanceAlias: aws.String("kill"),
		InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	const writers = 8
	contacts := make([]string, writers)
	for i := range contacts {
		out, err := client.StartTaskContact(ctx, &connect.StartTaskContactInput{InstanceId: inst.Id, Name: aws.String("t"), ContactFlowId: aws.String("f")})
		if err != nil {
			t.Fatal(err)
		}
		contacts[i] = aws.ToString(out.ContactId)
	}

	var (
		mu    sync.Mutex
		acked = map[string][]string{} // contact id → keys acknowledged
		total atomic.Int64
		wg    sync.WaitGroup
	)
	killAt := int64(300)
	killed := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := sdkClient(url)
			for n := 0; ; n++ {
				key := fmt.Sprintf("k%04d", n)
				_, err := c.UpdateContactAttributes(ctx, &connect.UpdateContactAttributesInput{
					InstanceId: inst.Id, InitialContactId: aws.String(contacts[w]), Attributes: map[string]string{key: "v"},
				}, func(o *connect.Options) { o.RetryMaxAttempts = 1 })
				if err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked[contacts[w]] = append(acked[contacts[w]], key)
				mu.Unlock()
				if total.Add(1) == killAt {
					_ = cmd.Process.Signal(syscall.SIGKILL)
					close(killed)
				}
			}
		}()
	}
	<-killed
	wg.Wait()
	_ = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("server did not die by SIGKILL: %v", cmd.ProcessState)
	}

	url, _ = startBinary(t, bin, data)
	client = sdkClient(url)
	checked := 0
	for contact, keys := range acked {
		out, err := client.GetContactAttributes(ctx, &connect.GetContactAttributesInput{InstanceId: inst.Id, InitialContactId: aws.String(contact)})
		if err != nil {
			t.Fatalf("after restart: %v", err)
		}
		for _, k := range keys {
			if out.Attributes[k] != "v" {
				t.Fatalf("acknowledged key %s of contact %s lost after SIGKILL", k, contact)
			}
			checked++
		}
	}
	if checked < int(killAt) {
		t.Fatalf("checked %d acknowledged updates, want at least %d", checked, killAt)
	}
	t.Logf("%d acknowledged updates all survived SIGKILL", checked)
}
