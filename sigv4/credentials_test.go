package sigv4_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectd/connectd/sigv4"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "credentials.json")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadCredentials(t *testing.T) {
	p := writeFile(t, `[
		{"AccessKeyId": "AKID1", "SecretAccessKey": "s1", "AccountId": "111122223333"},
		{"AccessKeyId": "ASIA2", "SecretAccessKey": "s2", "SessionToken": "tok"}
	]`)
	creds, err := sigv4.LoadCredentials(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []sigv4.Credential{
		{AccessKeyId: "AKID1", SecretAccessKey: "s1", AccountId: "111122223333"},
		{AccessKeyId: "ASIA2", SecretAccessKey: "s2", SessionToken: "tok"},
	}
	if len(creds) != 2 || creds[0] != want[0] || creds[1] != want[1] {
		t.Fatalf("got %+v", creds)
	}
}

func TestLoadCredentialsRejects(t *testing.T) {
	for _, tc := range []struct{ name, content, msg string }{
		{"not json", `{`, "unexpected EOF"},
		{"object not array", `{"AccessKeyId":"a"}`, "cannot unmarshal"},
		{"empty array", `[]`, "no credentials"},
		{"trailing data", `[{"AccessKeyId":"a","SecretAccessKey":"s"}] []`, "data after"},
		{"unknown field", `[{"AccessKeyId":"a","SecretKey":"s"}]`, `unknown field "SecretKey"`},
		{"empty key id", `[{"AccessKeyId":"a","SecretAccessKey":"s"},{"AccessKeyId":"","SecretAccessKey":"s"}]`, "entry 1: AccessKeyId is empty"},
		{"slash in key id", `[{"AccessKeyId":"a/b","SecretAccessKey":"s"}]`, "entry 0: AccessKeyId"},
		{"empty secret", `[{"AccessKeyId":"a"}]`, "entry 0: SecretAccessKey is empty"},
		{"short account", `[{"AccessKeyId":"a","SecretAccessKey":"s","AccountId":"12345"}]`, `entry 0: AccountId "12345" is not 12 digits`},
		{"letters account", `[{"AccessKeyId":"a","SecretAccessKey":"s","AccountId":"12345678901x"}]`, "not 12 digits"},
		{"duplicate", `[{"AccessKeyId":"a","SecretAccessKey":"s"},{"AccessKeyId":"b","SecretAccessKey":"s"},{"AccessKeyId":"a","SecretAccessKey":"t"}]`, `entry 2: AccessKeyId "a" repeats entry 0`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, tc.content)
			_, err := sigv4.LoadCredentials(p)
			if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v: want file name and %q", err, tc.msg)
			}
		})
	}
	if _, err := sigv4.LoadCredentials(filepath.Join(t.TempDir(), "absent.json")); err == nil || !strings.Contains(err.Error(), "absent.json") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestNewVerifierFirstDuplicateWins(t *testing.T) {
	a := connectCred
	b := connectCred
	b.SecretAccessKey = "other"
	r, body, _ := signedWire(t, "POST", "http://connect.example/x", []byte("{}"), connectCred)
	if _, err := sigv4.NewVerifier([]sigv4.Credential{a, b}, sigv4.Options{Now: at(t0)}).Verify(r, body); err != nil {
		t.Fatal(err)
	}
}
