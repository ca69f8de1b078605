package sigv4

import "net/http"

// Kind classifies a verification failure. Each kind maps to exactly one AWS
// exception and HTTP status, so the HTTP layer can answer as AWS would without
// inspecting messages.
type Kind int

const (
	// KindMissing: the request carries neither an Authorization header nor a
	// presigned query string (AWS: 403 MissingAuthenticationTokenException).
	KindMissing Kind = iota + 1
	// KindIncomplete: the signature information is present but malformed
	// (AWS: 400 IncompleteSignatureException).
	KindIncomplete
	// KindUnknownKey: the access key id is not in the credentials
	// (AWS: 403 UnrecognizedClientException).
	KindUnknownKey
	// KindInvalid: well-formed but wrong — signature mismatch, clock skew,
	// wrong scope, wrong session token (AWS: 403 InvalidSignatureException).
	KindInvalid
)

// String returns the AWS exception name of the kind.
func (k Kind) String() string {
	switch k {
	case KindMissing:
		return "MissingAuthenticationTokenException"
	case KindIncomplete:
		return "IncompleteSignatureException"
	case KindUnknownKey:
		return "UnrecognizedClientException"
	case KindInvalid:
		return "InvalidSignatureException"
	}
	return "InvalidSignatureException"
}

// Error is the only error type returned by Verify, ParseAuthorization and
// ParseRequest. Message is safe to send to the client: it never contains the
// secret key or the signature the server computed.
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return "sigv4: " + e.Kind.String() + ": " + e.Message }

// ExceptionName is the AWS error type to send in X-Amzn-ErrorType.
func (e *Error) ExceptionName() string { return e.Kind.String() }

// Status is the HTTP status AWS uses for this kind of failure.
func (e *Error) Status() int {
	if e.Kind == KindIncomplete {
		return http.StatusBadRequest
	}
	return http.StatusForbidden
}

func errorf(k Kind, msg string) *Error { return &Error{Kind: k, Message: msg} }

// Messages AWS sends verbatim; clients and people search for these strings.
const (
	msgMissing = "Missing Authentication Token"
	msgUnknown = "The security token included in the request is invalid."
	msgInvalid = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgContentSHA = "The provided 'x-amz-content-sha256' header does not match what was computed."
)
