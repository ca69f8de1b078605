package sigv4_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectd/connectd/sigv4"
)

// suiteVerifier verifies AWS's test-suite requests: their credentials, time
// and service name.
func suiteVerifier() *sigv4.Verifier {
	return sigv4.NewVerifier([]sigv4.Credential{{AccessKeyId: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}},
		sigv4.Options{Service: "service", Now: at(time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC))})
}

// readSuiteRequest turns a .sreq file (LF line endings) into wire bytes.
func readSuiteRequest(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := strings.Cut(string(raw), "\n\n")
	return strings.ReplaceAll(head, "\n", "\r\n") + "\r\n\r\n" + body
}

func TestAWSTestSuite(t *testing.T) {
	files, _ := filepath.Glob("testdata/aws-sig-v4-test-suite/*.sreq")
	if len(files) < 15 {
		t.Fatalf("found %d vectors", len(files))
	}
	v := suiteVerifier()
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".sreq"), func(t *testing.T) {
			wire := readSuiteRequest(t, f)
			r, body := serverRequest(t, wire)
			res, err := v.Verify(r, body)
			if err != nil {
				t.Fatal(err)
			}
			if res.Region != "us-east-1" {
				t.Fatalf("region %q", res.Region)
			}
			// And the vector must not verify once its signature is changed.
			i := strings.Index(wire, "Signature=") + len("Signature=")
			r, body = serverRequest(t, wire[:i]+"00"+wire[i+2:])
			if _, err := v.Verify(r, body); kindOf(t, err) != sigv4.KindInvalid {
				t.Fatalf("altered signature: %v", err)
			}
		})
	}
}
