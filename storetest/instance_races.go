package storetest

import (
	"fmt"
	"testing"
)

// testInstanceConcurrentWrites: tags and analytics data sets added to one
// instance at once (as by several replicas of one database) all stay:
// each change reads the whole tag map or settings and writes it back, so
// one read before another's write would undo that write (review finding:
// 40 of 80 tags were lost on PostgreSQL before the instance lock).
func testInstanceConcurrentWrites(t *testing.T, f *fixture) {
	const n = 8
	arn := f.inst.ARN()
	errs := make([]error, 2*n)
	Parallel(2*n, func(i int) {
		if i < n {
			errs[i] = f.svc.TagResource(f.ctx, f.owner, arn, map[string]string{fmt.Sprintf("t%d", i): "v"})
		} else {
			_, errs[i] = f.svc.AssociateAnalyticsDataSets(f.ctx, f.owner, f.inst.ID, "", []string{fmt.Sprintf("ds-%d", i-n)})
		}
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	tags, err := f.svc.ResourceTags(f.ctx, f.owner, arn)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if tags[fmt.Sprintf("t%d", i)] != "v" {
			t.Errorf("tag t%d lost: tags %v", i, tags)
		}
	}
	sets, err := f.svc.AnalyticsDataSets(f.ctx, f.owner, f.inst.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != n {
		t.Errorf("%d analytics data sets, want %d: %v", len(sets), n, sets)
	}
}
