package api

import (
	"errors"
	"net/http"

	"github.com/connectd/connectd"
)

// AWS exception names, sent in X-Amzn-ErrorType: aws-sdk-go-v2, botocore and
// the JavaScript SDK all read that header before the body to type an error.
const (
	excInvalidParameter = "InvalidParameterException"
	excInvalidRequest   = "InvalidRequestException"
	excNotFound         = "ResourceNotFoundException"
	excContactNotFound  = "ContactNotFoundException"
	excQuota            = "ServiceQuotaExceededException"
	excConflict         = "ConflictException"
	excIdempotency      = "IdempotencyException"
	excDestination      = "DestinationNotAllowedException"
	excNotTerminated    = "ContactNotTerminatedException"
	excResourceConflict = "ResourceConflictException"
	excInternal         = "InternalServiceException"
	excThrottling       = "ThrottlingException"
	excTooManyRequests  = "TooManyRequestsException"
	// Wire-only conditions that the domain has no word for.
	excSerialization   = "SerializationException"
	excUnknownPath     = "UnknownOperationException"
	excNotImplemented  = "NotImplementedException"
	excTooLarge        = "RequestEntityTooLargeException"
	excHeadersTooLarge = "RequestHeaderFieldsTooLargeException"
	// excUnavailable is a store that cannot take writes right now (a lost
	// database file, PostgreSQL down, failing over or read-only). The
	// Connect model has no name for it; every SDK retries a 503 whatever
	// the name.
	excUnavailable = "ServiceUnavailableException"
)

// status returns the HTTP status of the exceptions that connectd sends
// outside any operation's model (before routing, or for a body that cannot
// be read); a modeled exception's status comes from the model (see
// wireModel.status).
func status(exc string) int {
	switch exc {
	case excSerialization:
		return http.StatusBadRequest
	case excUnknownPath:
		return http.StatusNotFound
	case excTooLarge:
		return http.StatusRequestEntityTooLarge
	case excHeadersTooLarge:
		return http.StatusRequestHeaderFieldsTooLarge
	case excNotImplemented:
		return http.StatusNotImplemented
	case excUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// status returns the HTTP status of exc: the model's smithy.api#httpError
// for its exceptions (402 and 410 are Connect's own oddities), else that of
// a wire-only one.
func (m *wireModel) status(exc string) int {
	if code, ok := m.exceptions[exc]; ok {
		return code
	}
	return status(exc)
}

// exceptionFor is the one table from a domain error code to an exception.
func exceptionFor(code string) string {
	if exc := flowException(code); exc != "" {
		return exc
	}
	switch code {
	case connectd.EINVALID:
		return excInvalidParameter
	case connectd.EINVALIDREQUEST:
		return excInvalidRequest
	case connectd.ENOTFOUND:
		return excNotFound
	case connectd.ENOTACTIVE:
		return excContactNotFound
	case connectd.EQUOTA:
		return excQuota
	case connectd.ECONFLICT:
		return excConflict
	case connectd.EIDEMPOTENCY:
		return excIdempotency
	case connectd.EDESTINATION:
		return excDestination
	case connectd.ENOTTERMINATED:
		return excNotTerminated
	case connectd.EUNAVAILABLE, connectd.EBUSY:
		return excUnavailable
	default: // EINTERNAL
		return excInternal
	}
}

// retryAfterSeconds is the Retry-After of a 503 or 429: a primary's failover
// under a fencing manager takes a few seconds, and a second is the
// header's smallest unit.
const retryAfterSeconds = "1"

// wireError is an error that already knows its exception (and, when it is
// not the exception's usual one, its status).
type wireError struct {
	exc     string
	message string
	status  int
	cause   error // what ended the work, for the log line; nil if nothing
}

func (e *wireError) Error() string {
	if e.cause != nil {
		return e.exc + ": " + e.message + ": " + e.cause.Error()
	}
	return e.exc + ": " + e.message
}

func (e *wireError) Unwrap() error { return e.cause }

// toException turns any error from a handler into the exception, status and
// message to send for operation op. Internal errors get a generic message.
//
// A parameter error is InvalidParameterException where op models it; the
// others (the instance operations, GetContactAttributes, TransferContact,
// StartEmailContact) model only InvalidRequestException for a 400, and an
// SDK turns an unmodeled name into a generic error, so for them it goes out
// as InvalidRequestException, which the SDK types.
func (m *wireModel) toException(op string, err error) (exc string, code int, message string) {
	var we *wireError
	if errors.As(err, &we) {
		code = we.status
		if code == 0 {
			code = m.status(we.exc)
		}
		return we.exc, code, we.message
	}
	c := connectd.ErrorCode(err)
	if c == connectd.EINVALID && !m.models(op, excInvalidParameter) {
		c = connectd.EINVALIDREQUEST
	}
	exc = exceptionFor(c)
	// UpdateContactRoutingData models its 409 as ResourceConflictException.
	if exc == excConflict && !m.models(op, excConflict) && m.models(op, excResourceConflict) {
		exc = excResourceConflict
	}
	code = m.status(exc) // excUnavailable, which no operation models: 503, retried by every SDK
	return exc, code, connectd.ErrorMessage(err)
}

// writeError is the one function that writes an error response: the status,
// X-Amzn-ErrorType and {"Message": ...}, the member name of the model's
// error shapes.
//
// A 503 or 429 carries Retry-After (RFC 9110, section 10.2.3; RFC 6585,
// section 4): a failover takes seconds, an overload (admission.go) or a
// rate quota passes in about as long, and a client or load balancer that
// honours the header waits about that long; the AWS SDKs retry both with
// their own backoff.
func writeError(w http.ResponseWriter, exc string, code int, message string) {
	w.Header().Set("X-Amzn-ErrorType", exc)
	if code == http.StatusServiceUnavailable || code == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	writeJSON(w, code, struct {
		Message string `json:"Message"`
	}{message})
}
