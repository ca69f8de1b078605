package sqlite

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
)

// TestPackedRowReadsWhatColumnsRead stores contacts whose texts hold the
// packed format's own separators, digits, a NUL byte, multi-byte
// characters, empty strings and NULLs, and whose times are NULL, 0 and
// negative, and checks that the page's packed column reads back exactly
// what scanContact reads from the columns one by one.
func TestPackedRowReadsWhatColumnsRead(t *testing.T) {
	ctx := t.Context()
	s := openDir(t, MemoryPath, connectd.NewManualClock(time.Unix(0, 0)))
	t.Cleanup(func() { s.Close() })
	if err := service(s).CreateInstance(ctx, &connectd.Instance{ID: "i", Owner: owner, Status: connectd.InstanceStatusActive,
		IdentityManagementType: connectd.IdentityConnectManaged}); err != nil {
		t.Fatal(err)
	}
	odd := []string{"", "12:ab", "a,b,", "\x00:\x00", "名前 ✓", "100%s%d", strings.Repeat("x", 3000)}
	for i, text := range odd {
		var times [5]any
		for j := range times {
			switch (i + j) % 3 {
			case 0:
				times[j] = nil
			case 1:
				times[j] = int64(-1234567 * (j + 1))
			default:
				times[j] = int64(0)
			}
		}
		times[0], times[3] = int64(i), int64(-i) // initiated_ms and updated_ms are NOT NULL
		var null any
		if i%2 == 0 {
			null = text // else NULL
		}
		_, err := s.writer.ExecContext(ctx, `INSERT INTO contacts (instance_id, id, initial_contact_id, previous_contact_id,
			related_contact_id, channel, initiation_method, name, description, queue_id, client_token,
			initiated_ms, scheduled_ms, disconnected_ms, updated_ms, enqueued_ms)
			VALUES ('i', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			"id"+text, "init"+text, null, null, "CH"+text, "M"+text, text, text, text, null,
			times[0], times[1], times[2], times[3], times[4])
		if err != nil {
			t.Fatalf("insert %q: %v", text, err)
		}
	}
	want, err := summaries(ctx, s.read, nil, `SELECT `+contactColumns+`, NULL FROM contacts c ORDER BY c.id`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pageContacts(ctx, s.read, `SELECT `+packedColumns()+` FROM contacts c ORDER BY c.id`)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != len(odd) || !reflect.DeepEqual(got, want) {
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("contact %d: packed %+v, columns %+v", i, got[i], want[i])
			}
		}
		t.Fatalf("packed %d contacts, columns %d (stored %d)", len(got), len(want), len(odd))
	}
}

// TestPackedRowRefusesBadText checks that a text the format does not
// describe is an error, not a misread contact.
func TestPackedRowRefusesBadText(t *testing.T) {
	good := "1:i2:id2:id:0:5:VOICE3:API0:0:0::5,,,6,,"
	for _, bad := range []string{"", "1:i", "x:i", "99:i", good + "x", strings.TrimSuffix(good, ","), strings.Replace(good, "5,", "5a,", 1)} {
		if _, err := (&packedRow{s: bad}).contact(); err == nil {
			t.Errorf("%q read as a contact", bad)
		}
	}
	if _, err := (&packedRow{s: good}).contact(); err != nil {
		t.Errorf("%q: %v", good, err)
	}
}
