package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// presigner signs requests for target with the aws-sdk-go-v2 SigV4 signer,
// all at one instant, so that a batch stays valid for maxSkew from then.
type presigner struct {
	target string
	cred   aws.Credentials
	signer *v4.Signer
	now    time.Time
}

func newPresigner(c config, target string) *presigner {
	return &presigner{target: target, signer: v4.NewSigner(), now: time.Now(),
		cred: aws.Credentials{AccessKeyID: c.accessKey, SecretAccessKey: c.secretKey}}
}

// sign returns the signed request as it goes on the wire. A non-nil body
// is sent as JSON.
func (p *presigner) sign(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	r, err := http.NewRequestWithContext(ctx, method, p.target+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(body)
	if err := p.signer.SignHTTP(ctx, p.cred, r, hex.EncodeToString(sum[:]), "connect", "us-east-1", p.now); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return serialise(r)
}
