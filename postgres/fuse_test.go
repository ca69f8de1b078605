package postgres

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestFusedOutboxInsert: the INSERT that updateChainMapWithOutbox holds is
// statements' InsertOutbox with its parameters moved past updateChainMap's
// four, so that the two cannot drift apart.
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
	if got, want := norm(strings.TrimPrefix(updateChainMapWithOutbox, prefix)), norm(shifted); got != want {
		t.Errorf("the fused INSERT is\n%s\nwant InsertOutbox shifted by 4:\n%s", got, want)
	}
}
