package sigv4

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCanonicalRequestMatchesSuite compares the canonical request byte for
// byte with AWS's .creq files, so a failure shows where they differ.
func TestCanonicalRequestMatchesSuite(t *testing.T) {
	files, _ := filepath.Glob("testdata/aws-sig-v4-test-suite/*.sreq")
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		want, err := os.ReadFile(strings.TrimSuffix(f, ".sreq") + ".creq")
		if err != nil {
			t.Fatal(err)
		}
		head, body, _ := strings.Cut(string(raw), "\n\n")
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(strings.ReplaceAll(head, "\n", "\r\n") + "\r\n\r\n" + body)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		var si sigInfo
		if err := si.parseRequest(r); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		got := appendCanonicalRequest(nil, r, &si, []byte(hex.EncodeToString(sum[:])))
		if string(got) != string(want) {
			t.Errorf("%s:\n got %q\nwant %q", filepath.Base(f), got, want)
		}
	}
}

func TestHMACInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		var key [32]byte
		for i := range key {
			key[i] = byte(rng.UintN(256))
		}
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(rng.UintN(256))
		}
		m := hmac.New(sha256.New, key[:])
		m.Write(msg)
		want := m.Sum(nil)
		got := hmacSHA256InPlace(&key, append(make([]byte, 64), msg...))
		if !hmac.Equal(got[:], want) {
			t.Fatalf("len %d: got %x want %x", n, got, want)
		}
	}
}

// TestDeriveKey uses the example from AWS's "Examples of how to derive a
// signing key for Signature Version 4".
func TestDeriveKey(t *testing.T) {
	k := deriveKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
	if got := hex.EncodeToString(k[:]); got != "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d" {
		t.Fatalf("got %s", got)
	}
}

func TestKeyCacheIsBounded(t *testing.T) {
	var c keyCache
	for i := range 3 * maxCachedKeys {
		c.store(scopeKey{"k", "20240101", strings.Repeat("r", i%100) + string(rune('a'+i%26))}, [32]byte{byte(i)})
		if n := len(*c.m.Load()); n > maxCachedKeys {
			t.Fatalf("cache has %d entries", n)
		}
	}
	c.store(scopeKey{"k", "d", "r"}, [32]byte{7})
	if k, ok := c.load(scopeKey{"k", "d", "r"}); !ok || k[0] != 7 {
		t.Fatal("last stored key missing")
	}
}

func TestCanonicalQuery(t *testing.T) {
	for _, tc := range []struct {
		raw, want string
		presigned bool
	}{
		{"", "", false},
		{"b=2&a=1", "a=1&b=2", false},
		{"a=2&a=1&a=10", "a=1&a=10&a=2", false},
		{"a+b=c+d&x=%2f&e", "a%20b=c%20d&e=&x=%2F", false},
		// Sorted after encoding: "a%2Fb" < "a-b" although '/' > '-'.
		{"k=a-b&k=a/b", "k=a%2Fb&k=a-b", false},
		// The key is compared alone: "a" < "a-" even though '=' > '-'.
		{"a-=1&a=2", "a=2&a-=1", false},
		{"bad=%zz&ok=1&semi=1;2&&", "ok=1", false},
		{"X-Amz-Signature=abc&a=1", "a=1", true},
		{"X-Amz-Signature=abc&a=1", "X-Amz-Signature=abc&a=1", false},
		{"%E1%88%B4=%7e", "%E1%88%B4=~", false},
	} {
		if got := string(appendCanonicalQuery(nil, tc.raw, tc.presigned)); got != tc.want {
			t.Errorf("%q: got %q want %q", tc.raw, got, tc.want)
		}
	}
}

func TestCanonicalURI(t *testing.T) {
	for in, want := range map[string]string{
		"/":                 "/",
		"/a%20b/c":          "/a%2520b/c",
		"/a:b+c":            "/a%3Ab%2Bc",
		"/%C3%A9%2F":        "/%25C3%25A9%252F",
		"/-._~AZaz09":       "/-._~AZaz09",
		"/\xe1\x88\xb4":     "/%E1%88%B4",
		"//double//slashes": "//double//slashes",
	} {
		if got := string(appendCanonicalURI(nil, in)); got != want {
			t.Errorf("%q: got %q want %q", in, got, want)
		}
	}
}

func TestHeaderValue(t *testing.T) {
	for in, want := range map[string]string{
		"  a   b  ":     "a b",
		"\ta \t  b\t":   "a \t b",
		"\u00a0a\u00a0": "a",
		"":              "",
	} {
		if got := string(appendHeaderValue(nil, in)); got != want {
			t.Errorf("%q: got %q want %q", in, got, want)
		}
	}
}
