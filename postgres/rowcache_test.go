package postgres

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestRowCacheCap: the cache stays within its estimated bytes, evicting
// older entries; an entry larger than the cap is not kept; a replaced
// entry's bytes are not counted twice; an entry older than cacheMaxAge is
// not used.
func TestRowCacheCap(t *testing.T) {
	entry := func(id string, attrBytes int) *cached {
		c := connectd.Contact{InstanceID: "i", ID: id, Attributes: connectd.Attributes{"k": strings.Repeat("v", attrBytes)}}
		return &cached{c: c, at: time.Now()}
	}
	one := entrySize(&entry("c-0", 1000).c)
	rc := newRowCache(10 * one)
	for i := range 100 {
		rc.put(rowKey{"i", fmt.Sprint("c-", i)}, entry("c-0", 1000))
		if n, bytes := rc.usage(); bytes > rc.max || n > 10 {
			t.Fatalf("after %d puts the cache holds %d entries, %d bytes; cap %d bytes (%d entries)", i+1, n, bytes, rc.max, 10)
		}
	}
	if n, _ := rc.usage(); n != 10 {
		t.Errorf("a full cache holds %d entries, want 10", n)
	}
	rc.put(rowKey{"i", "big"}, entry("big", 20*one))
	if rc.get(rowKey{"i", "big"}) != nil {
		t.Error("an entry larger than the cap was kept")
	}
	rc = newRowCache(10 * one)
	for range 5 {
		rc.put(rowKey{"i", "same"}, entry("same", 1000))
	}
	if n, bytes := rc.usage(); n != 1 || bytes != entrySize(&entry("same", 1000).c) {
		t.Errorf("one key put 5 times: %d entries, %d bytes; want 1, %d", n, bytes, entrySize(&entry("same", 1000).c))
	}
	old := entry("old", 10)
	rc.put(rowKey{"i", "old"}, old)
	old.at = time.Now().Add(-cacheMaxAge - time.Second)
	if rc.get(rowKey{"i", "old"}) != nil {
		t.Error("an entry older than cacheMaxAge was used")
	}
	rc.drop(rowKey{"i", "same"})
	if rc.get(rowKey{"i", "same"}) != nil {
		t.Error("a dropped entry was used")
	}
}

// TestFastOdds: attempts are tried while at least half of the recent ones
// committed; after a run of rows that moved on, one update in probeEvery
// tries, and enough commits among those bring the attempts back.
func TestFastOdds(t *testing.T) {
	var o fastOdds
	for range 100 {
		if !o.try() {
			t.Fatal("a fresh store does not try")
		}
		o.note(true)
	}
	tried := 0
	for range 1000 {
		if o.try() {
			tried++
			o.note(false)
		}
	}
	if tried < 1000/probeEvery || tried > 1000/probeEvery+16 {
		t.Errorf("after every attempt found its row moved on, %d of 1,000 updates tried; want about %d", tried, 1000/probeEvery)
	}
	back := 0
	for i := range 20 * probeEvery {
		if o.try() {
			o.note(true)
			back = i
			if o.won >= o.lost {
				break
			}
		}
	}
	if o.won < o.lost {
		t.Fatalf("20 probes that all committed did not bring the attempts back (won %.1f, lost %.1f)", o.won, o.lost)
	}
	for range 10 {
		if !o.try() {
			t.Fatalf("after the probes committed again (update %d), an update does not try", back)
		}
		o.note(true)
	}
}

// TestFenceEpoch: the epoch changes with the primary connections reach
// (its system, timeline or postmaster start), not with a standby or the
// same primary again.
func TestFenceEpoch(t *testing.T) {
	var f fence
	if _, ok := f.epoch(); ok {
		t.Fatal("a fence that saw no primary has an epoch")
	}
	p := server{system: "7", timeline: 1, started: "2026-12-02 03:00:00.1+00"}
	f.sawPrimary(p)
	e1, ok := f.epoch()
	f.sawPrimary(p)
	f.sawPrimary(server{system: "7", timeline: 1, started: "other", recovery: true})
	if e, _ := f.epoch(); !ok || e != e1 {
		t.Fatalf("the same primary or a standby changed the epoch: %d, %v → %d", e1, ok, e)
	}
	for _, next := range []server{
		{system: "7", timeline: 1, started: "2026-12-02 03:05:00.2+00"}, // restarted
		{system: "7", timeline: 2, started: "2026-12-02 03:05:00.2+00"}, // promoted
	} {
		f.sawPrimary(next)
		if e, _ := f.epoch(); e == e1 {
			t.Errorf("primary %+v kept the epoch %d", next, e1)
		}
		e1, _ = f.epoch()
	}
	f.sawPrimary(server{system: "7", timeline: 2}) // its start not read this time
	if e, _ := f.epoch(); e == e1 {
		t.Error("a primary whose start could not be read kept the epoch")
	}
	e1, _ = f.epoch()
	f.sawPrimary(server{system: "7", timeline: 2, started: "1733108700.2"})
	if e, _ := f.epoch(); e == e1 {
		t.Error("the start read again kept the epoch of the unknown one")
	}
	f.sawPrimary(server{system: "7", timeline: 2, started: "1733108700.2", async: true})
	if _, ok := f.epoch(); ok {
		t.Error("a primary with synchronous_commit = off left the fence an epoch")
	}
	f.noEpoch, f.noAccess = false, true
	if _, ok := f.epoch(); ok {
		t.Error("a fence that is off has an epoch")
	}
}

// TestEndsSession: FATAL and PANIC, in the untranslated severity when the
// server sends one, end the session; an ERROR does not, whatever the
// server's language.
func TestEndsSession(t *testing.T) {
	for _, c := range []struct {
		err  pgconn.PgError
		want bool
	}{
		{pgconn.PgError{Severity: "FATAL"}, true},
		{pgconn.PgError{Severity: "PANIC"}, true},
		{pgconn.PgError{Severity: "ERROR"}, false},
		{pgconn.PgError{Severity: "ВАЖНО", SeverityUnlocalized: "FATAL"}, true},
		{pgconn.PgError{Severity: "ОШИБКА", SeverityUnlocalized: "ERROR"}, false},
	} {
		if got := endsSession(&c.err); got != c.want {
			t.Errorf("endsSession(%q / %q) = %v, want %v", c.err.Severity, c.err.SeverityUnlocalized, got, c.want)
		}
	}
}
