package postgres

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd"
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
