package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
)

func TestInitFileIsImportedBeforeReady(t *testing.T) {
	file := filepath.Join(t.TempDir(), "fixtures.json")
	doc := `{"Instances":[{"Id":"inst-1","InstanceAlias":"init"}],
	         "Contacts":[{"InstanceId":"inst-1","Id":"c1","Channel":"TASK","Attributes":{"from":"init"}}]}`
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	url, stop := startInProcess(t, "--data", ":memory:", "--init", file, "--seed", "3")
	defer stop()
	resp, err := http.Get(url + "/_connectd/ready")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("ready after the ready log line: %v %v", resp, err)
	}
	resp.Body.Close()
	out, err := sdkClient(url).GetContactAttributes(context.Background(), &connect.GetContactAttributesInput{
		InstanceId: aws.String("inst-1"), InitialContactId: aws.String("c1"),
	})
	if err != nil || out.Attributes["from"] != "init" {
		t.Fatalf("init fixtures: %v, %v", out, err)
	}
}

func TestBadInitFileStopsStartUp(t *testing.T) {
	file := filepath.Join(t.TempDir(), "fixtures.json")
	if err := os.WriteFile(file, []byte(`{"Instances":[{"Id":"i","AccountId":"bad"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data", ":memory:", "--init", file},
		env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "Instances[0]") {
		t.Fatalf("got %v, want an error naming the bad record", err)
	}
}
