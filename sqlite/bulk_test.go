package sqlite

import (
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

func TestGenerateContacts(t *testing.T) {
	clock := connectd.NewManualClock(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	s := openDir(t, t.TempDir(), clock)
	defer s.Close()
	ctx := t.Context()
	inst := &connectd.Instance{ID: "inst-1", Owner: owner, IdentityManagementType: connectd.IdentityConnectManaged}
	if err := service(s).CreateInstance(ctx, inst); err != nil {
		t.Fatal(err)
	}
	if err := s.GenerateContacts(ctx, "inst-1", "g", bulkChunk+3, clock.Now()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id      string
		n       string
		initial time.Time
	}{
		{"g000000000", "0", clock.Now()},
		{"g000050002", "50002", clock.Now().Add(-50002 * time.Second)},
	} {
		c, err := service(s).FindContact(ctx, owner, "inst-1", tc.id)
		if err != nil {
			t.Fatalf("FindContact(%s): %v", tc.id, err)
		}
		if !c.IsInitial() || c.Channel != connectd.ChannelTask || !c.InitiationTimestamp.Equal(tc.initial) ||
			c.Attributes["tier"] != "gold" || c.Attributes["n"] != tc.n || len(c.Attributes) != 2 {
			t.Errorf("contact %s = %+v", tc.id, c)
		}
		if err := service(s).UpdateAttributes(ctx, owner, "inst-1", tc.id, connectd.Attributes{"tier": "silver"}); err != nil {
			t.Errorf("UpdateAttributes(%s): %v", tc.id, err)
		}
	}
	if _, err := service(s).FindContact(ctx, owner, "inst-1", "g000050003"); connectd.ErrorCode(err) != connectd.ENOTFOUND {
		t.Errorf("contact past n: err = %v, want ENOTFOUND", err)
	}
	// Ids already taken fail without a partial chunk.
	err := s.GenerateContacts(ctx, "inst-1", "g", 2, clock.Now())
	if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Errorf("second GenerateContacts: err = %v, want a UNIQUE constraint failure", err)
	}
}
