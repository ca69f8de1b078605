package sigv4

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// Credential is one entry of the credentials file: an access key pair and
// the account it acts for.
type Credential struct {
	AccessKeyId     string `json:"AccessKeyId"`     // what clients send in the credential scope
	SecretAccessKey string `json:"SecretAccessKey"` // never leaves the Verifier
	// AccountId is the 12-digit account the key belongs to. Empty means the
	// file does not say; the caller applies its own default.
	AccountId string `json:"AccountId,omitempty"`
	// SessionToken, when set, must be presented as X-Amz-Security-Token
	// (temporary credentials). When empty, any token the client sends is
	// accepted, so clients configured with SSO or role credentials still work.
	SessionToken string `json:"SessionToken,omitempty"`
}

// LoadCredentials reads a JSON array of Credential from path and validates
// it: every entry needs an AccessKeyId and a SecretAccessKey, an AccountId if
// given is 12 digits, and no AccessKeyId appears twice. Unknown fields are
// rejected so that a misspelt "SecretKey" fails at start-up rather than as a
// signature mismatch later. Errors name the file and the entry index.
func LoadCredentials(path string) ([]Credential, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sigv4: credentials: %w", err)
	}
	return parseCredentials(path, data)
}

func parseCredentials(name string, data []byte) ([]Credential, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var creds []Credential
	if err := dec.Decode(&creds); err != nil {
		return nil, fmt.Errorf("sigv4: credentials file %s: %w", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("sigv4: credentials file %s: data after the JSON array", name)
	}
	if len(creds) == 0 {
		return nil, fmt.Errorf("sigv4: credentials file %s: no credentials", name)
	}
	seen := make(map[string]int, len(creds))
	for i, c := range creds {
		bad := func(format string, args ...any) error {
			return fmt.Errorf("sigv4: credentials file %s: entry %d: %s", name, i, fmt.Sprintf(format, args...))
		}
		switch {
		case c.AccessKeyId == "":
			return nil, bad("AccessKeyId is empty")
		case strings.ContainsAny(c.AccessKeyId, "/, \t\r\n="):
			// These would break the Credential=... field of the Authorization header.
			return nil, bad("AccessKeyId %q contains '/', ',', '=' or whitespace", c.AccessKeyId)
		case c.SecretAccessKey == "":
			return nil, bad("SecretAccessKey is empty")
		case c.AccountId != "" && !isDigits(c.AccountId, 12):
			return nil, bad("AccountId %q is not 12 digits", c.AccountId)
		}
		if j, dup := seen[c.AccessKeyId]; dup {
			return nil, bad("AccessKeyId %q repeats entry %d", c.AccessKeyId, j)
		}
		seen[c.AccessKeyId] = i
	}
	return creds, nil
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
