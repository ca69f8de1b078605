package connectd

import (
	"errors"
	"fmt"
)

// Error codes carried by *Error. The api package maps each code to an AWS
// exception name and HTTP status in one table; nothing else knows about the
// wire.
const (
	// EINVALID is a request member that breaks a rule (a bad attribute key,
	// an oversized map, a value out of range): InvalidParameterException.
	EINVALID = "invalid"
	// EINVALIDREQUEST is a request that is well formed but cannot be served
	// in the resource's current state: InvalidRequestException.
	EINVALIDREQUEST = "invalid_request"
	// ENOTFOUND is an unknown (or expired) instance or contact:
	// ResourceNotFoundException.
	ENOTFOUND = "not_found"
	// ENOTACTIVE is a contact that has already ended, for operations that
	// need an active one: ContactNotFoundException (HTTP 410).
	ENOTACTIVE = "not_active"
	// EQUOTA is a service quota reached, such as 12 tasks linked to one
	// PreviousContactId: ServiceQuotaExceededException (HTTP 402).
	EQUOTA = "quota_exceeded"
	// ECONFLICT is a request that conflicts with an existing resource.
	ECONFLICT = "conflict"
	// EIDEMPOTENCY is a ClientToken reused for a different request:
	// IdempotencyException (HTTP 409).
	EIDEMPOTENCY = "idempotency"
	// EDESTINATION is a phone number the instance may not call:
	// DestinationNotAllowedException (HTTP 403).
	EDESTINATION = "destination_not_allowed"
	// ENOTTERMINATED is a contact that must have ended first:
	// ContactNotTerminatedException (HTTP 409).
	ENOTTERMINATED = "not_terminated"
	// EUNAVAILABLE is a store that cannot be reached right now.
	EUNAVAILABLE = "unavailable"
	// EBUSY is a store too busy to take the work now (no read connection
	// or no place in the writer's queue came free in time): like
	// EUNAVAILABLE, a 503 the client should retry, but an overload rather
	// than an outage.
	EBUSY = "busy"
	// EINTERNAL is anything else: a bug or an unexpected failure.
	EINTERNAL = "internal"
)

// Error is a domain error: a code from the list above and a message meant for
// the caller. Any error that is not an *Error is internal.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("connectd error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: "" for nil, the code of an *Error found
// in err's chain, else EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the caller-facing message of err. Internal errors get a
// generic message so that no implementation detail leaks to clients.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "An internal error occurred."
	}
}
