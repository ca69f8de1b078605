package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/connectd/connectd"
)

// Authenticator says who is calling: the owner (account, region) that the
// request acts for. connectd's cmd wires one from the sigv4 package; the api
// package does not import it, so that adapters stay apart.
type Authenticator interface {
	// Authenticate identifies the caller of r. body is the whole request
	// body when NeedsBody is true (SigV4 verification hashes it), else nil.
	// A refusal is an *AuthError.
	Authenticate(r *http.Request, body []byte) (connectd.Owner, error)
	// NeedsBody reports whether Authenticate reads the body.
	NeedsBody() bool
}

// AuthError is an Authenticator's refusal, answered as AWS would: with its
// exception name (MissingAuthenticationTokenException,
// InvalidSignatureException, …), HTTP status and message.
type AuthError struct {
	Exception string
	Status    int
	Message   string
}

func (e *AuthError) Error() string { return e.Exception + ": " + e.Message }

// authenticate identifies c's caller with the configured Authenticator, or
// by the unverified credential scope when there is none. When the
// Authenticator needs the body, it is read here (within the body limit) and
// put back for the handler to decode. It reports false after writing the
// error response.
func (s *Server) authenticate(w http.ResponseWriter, c *call) bool {
	if s.cfg.Auth == nil {
		c.owner = identify(c.r, s.cfg.Region)
		return true
	}
	var body []byte
	switch {
	case c.r.Body == http.NoBody:
		// A request without a body (every GET the SDKs send): reading it
		// cost a 512-byte buffer and two allocations to put it back.
		c.body = []byte{}
	case s.cfg.Auth.NeedsBody():
		var err error
		body, err = io.ReadAll(c.r.Body)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeError(w, excTooLarge, status(excTooLarge),
					fmt.Sprintf("The request body is larger than the limit of %d bytes.", tooLarge.Limit))
			} else {
				writeError(w, excSerialization, status(excSerialization), "The request body could not be read.")
			}
			return false
		}
		c.r.Body = io.NopCloser(bytes.NewReader(body))
		c.body = body
	}
	owner, err := s.cfg.Auth.Authenticate(c.r, body)
	if err != nil {
		var ae *AuthError
		if !errors.As(err, &ae) {
			s.log.Error("authenticating a request", "request_id", c.requestID, "err", err)
			writeError(w, excInternal, status(excInternal), "An internal error occurred.")
			return false
		}
		s.log.Debug("request refused", "request_id", c.requestID, "exception", ae.Exception, "message", ae.Message)
		writeError(w, ae.Exception, ae.Status, ae.Message)
		return false
	}
	c.owner = owner
	return true
}
