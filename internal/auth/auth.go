// Package auth wires the sigv4 package to the api package's Authenticator,
// for the binaries under cmd/ (connectd and its load generator): adapters
// do not import each other, so the glue lives here.
package auth

import (
	"fmt"
	"net/http"
	"time"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/api"
	"github.com/connectd/connectd/sigv4"
)

// authenticator adapts the sigv4 package to api.Authenticator. With verify
// set every request must carry a valid signature of a known key; without,
// the signature is only read, to tell the caller's account and region.
type authenticator struct {
	verifier      *sigv4.Verifier   // nil unless verify
	accounts      map[string]string // access key id → account id, from the credentials file
	defaultRegion string
	verify        bool
}

// New returns the api.Authenticator for --auth mode with the
// credentials of --credentials (possibly none), or nil when the api
// package's own unverified identification does the same job (no
// verification and no file that maps keys to accounts).
func New(mode string, creds []sigv4.Credential, maxSkew time.Duration, region string) (api.Authenticator, error) {
	if mode == "sigv4" && len(creds) == 0 {
		return nil, fmt.Errorf("--auth sigv4 needs --credentials FILE: a JSON array of " +
			`{"AccessKeyId", "SecretAccessKey", "AccountId"} that requests may be signed with`)
	}
	if mode == "none" && len(creds) == 0 {
		return nil, nil
	}
	a := &authenticator{accounts: map[string]string{}, defaultRegion: region, verify: mode == "sigv4"}
	for _, c := range creds {
		if c.AccountId != "" {
			a.accounts[c.AccessKeyId] = c.AccountId
		}
	}
	if a.verify {
		// The skew window uses the real clock, never the control plane's:
		// clients sign with the machine's time.
		a.verifier = sigv4.NewVerifier(creds, sigv4.Options{MaxSkew: maxSkew})
	}
	return a, nil
}

// NeedsBody is true when verifying: the payload hash is computed from it.
func (a *authenticator) NeedsBody() bool { return a.verify }

// Authenticate verifies (or just reads) r's signature and returns the
// owner it acts for.
func (a *authenticator) Authenticate(r *http.Request, body []byte) (connectd.Owner, error) {
	if !a.verify {
		auth, err := sigv4.ParseRequest(r)
		if err != nil { // unsigned or malformed: not our business in this mode
			return connectd.Owner{AccountID: connectd.DefaultAccountID, Region: a.defaultRegion}, nil
		}
		return a.owner(auth.AccessKeyId, "", auth.Region), nil
	}
	res, err := a.verifier.Verify(r, body)
	if err != nil {
		if se, ok := err.(*sigv4.Error); ok {
			return connectd.Owner{}, &api.AuthError{Exception: se.ExceptionName(), Status: se.Status(), Message: se.Message}
		}
		return connectd.Owner{}, fmt.Errorf("verify signature: %w", err)
	}
	return a.owner(res.AccessKeyId, res.AccountId, res.Region), nil
}

// owner applies the account rule: the credentials file's account for the
// key, else a 12-digit key id is the account id (the convention LocalStack
// and other emulators share), else connectd.DefaultAccountID.
func (a *authenticator) owner(accessKey, account, region string) connectd.Owner {
	if account == "" {
		account = a.accounts[accessKey]
	}
	if account == "" {
		account = connectd.AccountFromAccessKey(accessKey)
	}
	if region == "" {
		region = a.defaultRegion
	}
	return connectd.Owner{AccountID: account, Region: region}
}
