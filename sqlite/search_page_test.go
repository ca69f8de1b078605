package sqlite

import (
	"database/sql"
	"reflect"
	"slices"
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
	want, err := summaries(ctx, s.read, nil, `SELECT `+contactColumns+`, NULL FROM contacts c ORDER BY c.initiated_ms, c.id`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range want { // what a page leaves out (packedTexts)
		c.Description, c.RelatedContactID, c.ClientToken, c.LastUpdateTimestamp = "", "", "", time.Time{}
	}
	q := &connectd.SearchQuery{InstanceID: "i", Sort: connectd.SortInitiation}
	got, err := pageContacts(ctx, s.read, q, pageQuery(`SELECT `+packedColumns()+` AS p FROM contacts c ORDER BY c.initiated_ms, c.id`))
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
	// The same texts as contacts_page keeps them (migration 0017), which
	// a search driven by the members reads instead of the rows.
	byID := `SELECT ` + packedColumns() + ` AS p FROM contacts c INDEXED BY contacts_page WHERE c.instance_id = 'i' ORDER BY c.id`
	if plan := queryPlan(t, s.read, byID); len(plan) != 1 || !strings.Contains(plan[0], "COVERING INDEX contacts_page") {
		t.Fatalf("the index's texts are not what the query reads:\n  %s", strings.Join(plan, "\n  "))
	}
	indexed, err := pageContacts(ctx, s.read, &connectd.SearchQuery{InstanceID: "i", Sort: connectd.SortInitiation}, pageQuery(byID))
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(indexed, func(a, b *connectd.Contact) int { return strings.Compare(a.ID, b.ID) })
	sorted := slices.Clone(want)
	slices.SortFunc(sorted, func(a, b *connectd.Contact) int { return strings.Compare(a.ID, b.ID) })
	if !reflect.DeepEqual(indexed, sorted) {
		t.Errorf("contacts_page's texts read %d contacts unlike their columns:\n%+v\n%+v", len(indexed), indexed, sorted)
	}
	// A page that came in another order is sorted as the search asked.
	q.Descending = true
	got, err = pageContacts(ctx, s.read, q, pageQuery(`SELECT `+packedColumns()+` AS p FROM contacts c ORDER BY c.initiated_ms, c.id`))
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("a page read in ascending order for a descending search came back in the order %v", ids(got))
	}
	empty, err := pageContacts(ctx, s.read, q, pageQuery(`SELECT `+packedColumns()+` AS p FROM contacts c WHERE 0 = 1`))
	if err != nil || len(empty) != 0 || empty == nil {
		t.Errorf("an empty page read as %v, %v; want an empty, non-nil slice", empty, err)
	}
	// A count that does not match the text is an error, not a short page.
	one := "2:id2:id:5:VOICE3:API0:0:5,,,6,"
	for _, bad := range []string{`SELECT 1, '` + one + one + `'`, `SELECT 2, '` + one + `'`, `SELECT 1, NULL`} {
		if got, err := pageContacts(ctx, s.read, q, bad); err == nil {
			t.Errorf("%s read as %d contacts", bad, len(got))
		}
	}
}

func ids(cs []*connectd.Contact) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// TestPackedRowRefusesBadText checks that a text the format does not
// describe is an error, not a misread contact.
func TestPackedRowRefusesBadText(t *testing.T) {
	good := "2:id2:id:5:VOICE3:API0:0:5,,,6,"
	for _, bad := range []string{"1:i", "x:i", "99:i", good + "x", good + "2:id", strings.TrimSuffix(good, ","),
		strings.Replace(good, "5,", "5a,", 1)} {
		p := packedRow{s: bad}
		err := p.contact(&connectd.Contact{})
		for err == nil && p.pos < len(p.s) {
			err = p.contact(&connectd.Contact{})
		}
		if err == nil {
			t.Errorf("%q read as contacts", bad)
		}
	}
	for _, page := range []string{good, good + good} {
		p := packedRow{s: page}
		for p.pos < len(p.s) {
			if err := p.contact(&connectd.Contact{}); err != nil {
				t.Errorf("%q: %v", page, err)
				break
			}
		}
	}
}

// TestPageDetailsSeekEachID checks that a page's details are looked up
// through contact_details' primary key, one id after another, not by a scan
// of the instance's details.
func TestPageDetailsSeekEachID(t *testing.T) {
	s := openDir(t, t.TempDir(), connectd.SystemClock{})
	defer s.Close()
	plan := queryPlan(t, s.read, queryPageDetails, `["a","b"]`, "i")
	if len(plan) != 2 || !strings.HasPrefix(plan[0], "SCAN j") || !strings.HasPrefix(plan[1], "SEARCH d USING PRIMARY KEY (instance_id=? AND contact_id=?)") {
		t.Fatalf("plan:\n  %s", strings.Join(plan, "\n  "))
	}
}

// TestOutboxSpanReadsTheEnds: the trim's span of the outbox's seqs reads
// the primary key's two ends, not the table (a max() and a min() in one
// SELECT made SQLite scan every entry, as the count it replaces did).
func TestOutboxSpanReadsTheEnds(t *testing.T) {
	s := openDir(t, t.TempDir(), connectd.SystemClock{})
	defer s.Close()
	plan := queryPlan(t, s.writer, s.sql.OutboxSpan)
	searches := 0
	for _, step := range plan {
		switch {
		case strings.HasPrefix(step, "SEARCH outbox"):
			searches++
		case strings.HasPrefix(step, "SCAN") && step != "SCAN CONSTANT ROW":
			t.Fatalf("the span scans:\n  %s", strings.Join(plan, "\n  "))
		}
	}
	if searches != 2 {
		t.Fatalf("want one search an end:\n  %s", strings.Join(plan, "\n  "))
	}
}

// queryPlan returns the details of EXPLAIN QUERY PLAN for query, one a
// step.
// pagePlan is the query plan of the page query SearchContacts runs for q
// from cur (pages of 100).
func pagePlan(t *testing.T, s *Store, q *connectd.SearchQuery, cur *connectd.SearchCursor) []string {
	t.Helper()
	var plan []string
	err := s.View(t.Context(), "test", func(tx connectd.Tx) error {
		r := tx.(*rows)
		if err := r.snapshot(t.Context()); err != nil {
			return err
		}
		sq, err := r.searchQueries(t.Context(), q, cur, 101)
		if err != nil {
			return err
		}
		plan = queryPlan(t, s.read, sq.page, sq.pageArgs...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func queryPlan(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("%.60s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// TestPageIndexIsPackedColumns: migration 0017's index holds exactly the
// page's packed text (packedColumns without the table's name), so that a
// change of the packing that forgets the index fails here rather than
// making searches read rows again (or, worse, nothing notices).
func TestPageIndexIsPackedColumns(t *testing.T) {
	doc, err := migrationFiles.ReadFile("migrations/0017_contacts_page_index.sql")
	if err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	want := norm("(instance_id, id, " + strings.ReplaceAll(packedColumns(), "c.", "") + ");")
	if !strings.Contains(norm(string(doc)), want) {
		t.Fatalf("migration 0017 does not index\n%s", want)
	}
}

// TestMembersPageReadsTheIndex: the page of a search driven by an
// attribute value's members, when they hold all the search asks, reads
// each contact's text from contacts_page, not its row, also on the pages
// after the first; a search that asks for a row's own column does not.
func TestMembersPageReadsTheIndex(t *testing.T) {
	s := openDir(t, t.TempDir(), connectd.SystemClock{})
	defer s.Close()
	q := &connectd.SearchQuery{InstanceID: "i", TimeRange: connectd.TimeInitiation, Sort: connectd.SortInitiation,
		Start: time.Unix(0, 0), End: time.Now(),
		Attributes: &connectd.AttributeCriteria{Criteria: []connectd.AttributeCriterion{{Key: "k", Values: []string{"v"}, Indexed: true}}}}
	page := func(q *connectd.SearchQuery, cur *connectd.SearchCursor) []string {
		t.Helper()
		return pagePlan(t, s, q, cur)
	}
	covering := func(plan []string) bool {
		return slices.ContainsFunc(plan, func(step string) bool { return strings.Contains(step, "COVERING INDEX contacts_page") })
	}
	for _, cur := range []*connectd.SearchCursor{nil, {ID: "c-9", Num: 5000}} {
		if plan := page(q, cur); !covering(plan) {
			t.Fatalf("the page (cursor %v) reads contacts' rows:\n  %s", cur, strings.Join(plan, "\n  "))
		}
	}
	q.Descending = true
	if plan := page(q, nil); !covering(plan) {
		t.Fatalf("the descending page reads contacts' rows:\n  %s", strings.Join(plan, "\n  "))
	}
	q.Channels = []connectd.Channel{connectd.ChannelVoice} // the rows' own column
	if plan := page(q, nil); covering(plan) {
		t.Errorf("a search on a contact's channel reads only contacts_page:\n  %s", strings.Join(plan, "\n  "))
	}
}
