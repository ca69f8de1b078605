package postgres

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestFusedOutboxInsert: the INSERT that updateChainMapWithOutbox holds is
// statements' InsertOutbox with its parameters moved past updateChainMap's
// four, returning the row's xmin too (the row cache's version), so that
// the two cannot drift apart.
func TestFusedOutboxInsert(t *testing.T) {
	param := regexp.MustCompile(`\$(\d+)`)
	shifted := param.ReplaceAllStringFunc(statements().InsertOutbox, func(p string) string {
		n, _ := strconv.Atoi(p[1:])
		return "$" + strconv.Itoa(n+4)
	})
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	prefix := "WITH m AS (" + updateChainMap + ")"
	if !strings.HasPrefix(updateChainMapWithOutbox, prefix) {
		t.Fatalf("the fused statement does not start with updateChainMap:\n%s", updateChainMapWithOutbox)
	}
	if got, want := norm(strings.TrimPrefix(updateChainMapWithOutbox, prefix)), norm(shifted)+", xmin"; got != want {
		t.Errorf("the fused INSERT is\n%s\nwant InsertOutbox shifted by 4:\n%s", got, want)
	}
}

// TestFastWriteIsTheFusedWrite: the optimistic attempt's statement is the
// fused write with the version and cutoff checks added: the same UPDATE
// with two more conditions, the same INSERT of the same parameters.
func TestFastWriteIsTheFusedWrite(t *testing.T) {
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	update := norm(updateChainMap)
	fast := norm(fastChainMapWithOutbox)
	wantUpdate := "WITH m AS (" + update + " AND xmin = $11 AND initiated_at >= $12 RETURNING 1)"
	if !strings.HasPrefix(fast, wantUpdate) {
		t.Fatalf("the fast statement does not start with updateChainMap and its checks:\n%s\nwant prefix\n%s", fast, wantUpdate)
	}
	fused := norm(strings.TrimPrefix(updateChainMapWithOutbox, "WITH m AS ("+updateChainMap+")"))
	want := strings.Replace(strings.Replace(fused, "VALUES (", "SELECT ", 1), ") RETURNING", " FROM m RETURNING", 1)
	want = strings.Replace(want, "$9,", "$9::timestamptz,", 1)
	if got := strings.TrimSpace(strings.TrimPrefix(fast, wantUpdate)); got != want {
		t.Errorf("the fast INSERT is\n%s\nwant the fused one's, from m:\n%s", got, want)
	}
}
