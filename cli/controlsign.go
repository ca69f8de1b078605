package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signControl signs a control-plane request with SigV4 as the Connect client
// would sign an operation (service "connect", the configured credentials and
// region), because a connectd started with --auth sigv4 refuses unsigned
// control-plane requests. Signing is best effort: when no AWS configuration
// or credentials can be had, the request goes unsigned, which a connectd in
// the default --auth none accepts and a signed one answers with
// MissingAuthenticationTokenException, a clearer message than a
// configuration error about a server that does not need one.
func (a *app) signControl(req *http.Request, body []byte) {
	// Only a connectd has a control plane, wherever it runs (say, a
	// compose service): configure as for a local one, so that no instance
	// metadata service is asked for credentials.
	cfg, err := a.awsConfigFor(req.URL.Scheme+"://"+req.URL.Host, true)
	if err != nil || cfg.Credentials == nil {
		return
	}
	creds, err := cfg.Credentials.Retrieve(a.ctx)
	if err != nil {
		return
	}
	region := cfg.Region
	if region == "" {
		region = localRegion
	}
	sum := sha256.Sum256(body)
	_ = v4.NewSigner().SignHTTP(a.ctx, creds, req, hex.EncodeToString(sum[:]), "connect", region, a.now())
}
