package connectd_test

import (
	"testing"
	"time"

	"github.com/connectd/connectd"
)

func TestRetentionCutoff(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	want := time.Date(2024, 11, 23, 12, 0, 0, 0, time.UTC)
	if got := connectd.RetentionCutoff(now); !got.Equal(want) {
		t.Fatalf("RetentionCutoff(%v) = %v, want %v", now, got, want)
	}
}

func TestInstanceARNs(t *testing.T) {
	inst := &connectd.Instance{ID: "i-1", Owner: connectd.Owner{AccountID: "123456789012", Region: "cn-north-1"}}
	if got, want := inst.ARN(), "arn:aws-cn:connect:cn-north-1:123456789012:instance/i-1"; got != want {
		t.Fatalf("ARN = %q, want %q", got, want)
	}
	if got, want := connectd.ContactARN(inst, "c-1"), "arn:aws-cn:connect:cn-north-1:123456789012:instance/i-1/contact/c-1"; got != want {
		t.Fatalf("ContactARN = %q, want %q", got, want)
	}
}
