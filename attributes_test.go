package connectd_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/connectd/connectd"
)

func TestValidateAttributeKey(t *testing.T) {
	for _, tc := range []struct {
		key string
		ok  bool
	}{
		{"a", true},
		{"Customer_Tier-2", true},
		{"0123456789", true},
		{"__--__", true},
		{"", false},
		{"has space", false},
		{"dot.ted", false},
		{"$dollar", false},
		{"slash/", false},
		{"colon:", false},
		{"ünïcode", false},
		{"tab\t", false},
		{"nul\x00", false},
		{"emoji😀", false},
	} {
		err := connectd.ValidateAttributeKey(tc.key)
		if tc.ok && err != nil {
			t.Errorf("ValidateAttributeKey(%q) = %v, want nil", tc.key, err)
		}
		if !tc.ok && connectd.ErrorCode(err) != connectd.EINVALID {
			t.Errorf("ValidateAttributeKey(%q) code = %q, want %q", tc.key, connectd.ErrorCode(err), connectd.EINVALID)
		}
	}
}

func TestAttributesSizeCountsUTF8Bytes(t *testing.T) {
	a := connectd.Attributes{"k": "é", "key2": "日本"} // 1+2 + 4+6
	if got := a.Size(); got != 13 {
		t.Fatalf("Size() = %d, want 13", got)
	}
}

func TestMerge(t *testing.T) {
	big := func(n int) string { return strings.Repeat("x", n) }
	for _, tc := range []struct {
		name    string
		current connectd.Attributes
		update  connectd.Attributes
		want    connectd.Attributes
		wantErr bool
	}{
		{"add to empty", nil, connectd.Attributes{"a": "1"}, connectd.Attributes{"a": "1"}, false},
		{"keeps keys not in update", connectd.Attributes{"a": "1", "b": "2"}, connectd.Attributes{"b": "3"}, connectd.Attributes{"a": "1", "b": "3"}, false},
		{"empty value removes", connectd.Attributes{"a": "1", "b": "2"}, connectd.Attributes{"a": ""}, connectd.Attributes{"b": "2"}, false},
		{"removing absent key is fine", connectd.Attributes{"a": "1"}, connectd.Attributes{"zz": ""}, connectd.Attributes{"a": "1"}, false},
		{"empty update is a no-op", connectd.Attributes{"a": "1"}, connectd.Attributes{}, connectd.Attributes{"a": "1"}, false},
		{"exactly the limit", nil, connectd.Attributes{"k": big(connectd.MaxAttributesBytes - 1)}, connectd.Attributes{"k": big(connectd.MaxAttributesBytes - 1)}, false},
		{"one byte over", nil, connectd.Attributes{"k": big(connectd.MaxAttributesBytes)}, nil, true},
		{"over only after merge", connectd.Attributes{"a": big(20000)}, connectd.Attributes{"b": big(20000)}, nil, true},
		{"removal makes room", connectd.Attributes{"a": big(20000)}, connectd.Attributes{"a": "", "b": big(20000)}, connectd.Attributes{"b": big(20000)}, false},
		{"multi-byte over", nil, connectd.Attributes{"k": strings.Repeat("é", connectd.MaxAttributesBytes/2)}, nil, true},
		{"bad key", connectd.Attributes{"a": "1"}, connectd.Attributes{"bad key": "1"}, nil, true},
		{"bad key even when removing", nil, connectd.Attributes{"bad.key": ""}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.current.Clone()
			got, err := connectd.Merge(tc.current, tc.update)
			if tc.wantErr {
				if connectd.ErrorCode(err) != connectd.EINVALID {
					t.Fatalf("Merge error code = %q (%v), want %q", connectd.ErrorCode(err), err, connectd.EINVALID)
				}
				if got != nil {
					t.Fatalf("Merge returned %v with an error", got)
				}
			} else if err != nil {
				t.Fatalf("Merge: %v", err)
			}
			if !tc.wantErr && !equal(got, tc.want) {
				t.Fatalf("Merge = %v, want %v", got, tc.want)
			}
			if !equal(tc.current.Clone(), before) {
				t.Fatalf("Merge changed its input: %v, was %v", tc.current, before)
			}
		})
	}
}

func TestErrorCodeAndMessage(t *testing.T) {
	err := connectd.Errorf(connectd.ENOTFOUND, "Contact %s not found.", "c1")
	if connectd.ErrorCode(err) != connectd.ENOTFOUND || connectd.ErrorMessage(err) != "Contact c1 not found." {
		t.Fatalf("got %q %q", connectd.ErrorCode(err), connectd.ErrorMessage(err))
	}
	plain := errors.New("disk on fire at /var/lib/x") // any non-domain error
	if connectd.ErrorCode(plain) != connectd.EINTERNAL || strings.Contains(connectd.ErrorMessage(plain), "disk") {
		t.Fatalf("internal error leaked: %q %q", connectd.ErrorCode(plain), connectd.ErrorMessage(plain))
	}
	if connectd.ErrorCode(nil) != "" {
		t.Fatal("ErrorCode(nil) should be empty")
	}
}

func equal(a, b connectd.Attributes) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
