package api

import (
	"net/http"
	"strings"

	"github.com/connectd/connectd"
)

// identify returns the caller's owner (account, region) from the request's
// SigV4 credential, without verifying the signature (verification is the
// sigv4 package's job, when enabled). The account follows the convention
// LocalStack and other emulators share: a 12-digit access key id is the
// account id, any other key is DefaultAccountID. The region is the
// credential scope's, else defaultRegion.
func identify(r *http.Request, defaultRegion string) connectd.Owner {
	owner := connectd.Owner{AccountID: connectd.DefaultAccountID, Region: defaultRegion}
	cred := credentialOf(r)
	// Credential=AKID/20240101/us-east-1/connect/aws4_request
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return owner
	}
	owner.AccountID = connectd.AccountFromAccessKey(parts[0])
	if parts[2] != "" {
		owner.Region = parts[2]
	}
	return owner
}

// credentialOf returns the Credential value of the Authorization header, or
// of the X-Amz-Credential query parameter of a presigned request.
func credentialOf(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	if rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 "); ok {
		for _, field := range strings.Split(rest, ",") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(field), "Credential="); ok {
				return v
			}
		}
		return ""
	}
	return r.URL.Query().Get("X-Amz-Credential")
}
