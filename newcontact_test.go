package connectd

import (
	"context"
	"testing"
	"time"
)

// fakeChains is a chainReader over fixed chains.
type fakeChains struct {
	initial  map[string]string     // contact → its chain's initial contact
	maps     map[string]Attributes // initial contact → chain map
	siblings map[string]int        // contact → contacts naming it as previous
}

func (f fakeChains) PreviousChain(_ context.Context, id string) (string, Attributes, int, error) {
	ini, ok := f.initial[id]
	if !ok {
		return "", nil, 0, Errorf(ENOTFOUND, "Previous contact %s not found.", id)
	}
	return ini, f.maps[ini], f.siblings[id], nil
}

func (f fakeChains) RelatedAttributes(_ context.Context, id string) (Attributes, error) {
	ini, ok := f.initial[id]
	if !ok {
		return nil, Errorf(ENOTFOUND, "Related contact %s not found.", id)
	}
	return f.maps[ini], nil
}

func TestPrepareContact(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 123456789, time.UTC)
	src := fakeChains{
		initial:  map[string]string{"a": "a", "b": "a", "full": "full", "r": "r"},
		maps:     map[string]Attributes{"a": {"chain": "a"}, "r": {"rel": "yes", "chain": "r"}, "full": {}},
		siblings: map[string]int{"b": 3, "full": MaxTasksPerPreviousContact},
	}
	tests := []struct {
		name      string
		in        Contact
		wantCode  string
		wantInit  string
		wantAttrs Attributes
		wantJoins bool
	}{
		{name: "own chain", in: Contact{ID: "n", Attributes: Attributes{"k": "v"}}, wantInit: "n", wantAttrs: Attributes{"k": "v"}},
		{name: "joins previous chain with attributes", in: Contact{ID: "n", PreviousContactID: "b", Attributes: Attributes{"k": "v"}},
			wantInit: "a", wantAttrs: Attributes{"chain": "a", "k": "v"}, wantJoins: true},
		{name: "joins previous chain without attributes", in: Contact{ID: "n", PreviousContactID: "b"},
			wantInit: "a", wantAttrs: Attributes{"chain": "a"}},
		{name: "related copies once, request wins", in: Contact{ID: "n", RelatedContactID: "r", Attributes: Attributes{"chain": "mine"}},
			wantInit: "n", wantAttrs: Attributes{"rel": "yes", "chain": "mine"}},
		{name: "quota of previous", in: Contact{ID: "n", PreviousContactID: "full"}, wantCode: EQUOTA},
		{name: "unknown previous", in: Contact{ID: "n", PreviousContactID: "zz"}, wantCode: ENOTFOUND},
		{name: "unknown related", in: Contact{ID: "n", RelatedContactID: "zz"}, wantCode: ENOTFOUND},
		{name: "bad key", in: Contact{ID: "n", Attributes: Attributes{"a b": "v"}}, wantCode: EINVALID},
		{name: "past retention", in: Contact{ID: "n", InitiationTimestamp: RetentionCutoff(now).Add(-time.Second)}, wantCode: EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, joins, err := PrepareContact(context.Background(), src, &tc.in, now)
			if tc.wantCode != "" {
				if ErrorCode(err) != tc.wantCode {
					t.Fatalf("got %v, want code %s", err, tc.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.InitialContactID != tc.wantInit || joins != tc.wantJoins || len(c.Attributes) != len(tc.wantAttrs) {
				t.Fatalf("got initial %s joins %v attrs %v, want %s %v %v", c.InitialContactID, joins, c.Attributes, tc.wantInit, tc.wantJoins, tc.wantAttrs)
			}
			for k, v := range tc.wantAttrs {
				if c.Attributes[k] != v {
					t.Fatalf("attribute %s = %q, want %q", k, c.Attributes[k], v)
				}
			}
			if want := now.Truncate(time.Millisecond); !c.InitiationTimestamp.Equal(want) || !c.LastUpdateTimestamp.Equal(want) {
				t.Fatalf("timestamps %v %v, want %v (now, to the millisecond)", c.InitiationTimestamp, c.LastUpdateTimestamp, want)
			}
		})
	}
}
