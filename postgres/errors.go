package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/connectd/connectd"
	"github.com/jackc/pgx/v5/pgconn"
)

// SQLSTATE codes this package acts on (PostgreSQL Appendix A). Errors are
// told apart by code, never by message text, which is localised.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeSerialization       = "40001"
	codeDeadlock            = "40P01"
	codeLockTimeout         = "55P03" // lock_not_available
	codeUntranslatable      = "22P05" // \u0000 in jsonb
	codeBadCharacter        = "22021" // NUL byte in text
	// codeReadOnly is read_only_sql_transaction: a write reached a standby
	// (or a primary demoted to one, or one with default_transaction_read_only).
	codeReadOnly = "25006"
)

// unavailable is the domain error of a database that cannot be reached.
var unavailable = &connectd.Error{Code: connectd.EUNAVAILABLE, Message: "The database is unavailable."}

// Domain errors of a database that answers but cannot take writes: a hot
// standby or default_transaction_read_only, and a full disk. They are 503s
// (retried by the SDKs, reported by health), not 500s. A full disk is not
// retried here: another attempt would meet the same database. A read-only
// one is, once, after the pool's reset (see retry): after a failover the
// new connection may reach the new primary.
var (
	readOnly = &connectd.Error{Code: connectd.EUNAVAILABLE, Message: "The store cannot write: the database is read-only."}
	diskFull = &connectd.Error{Code: connectd.EUNAVAILABLE, Message: "The store cannot write: the database's disk is full."}
)

const codeDiskFull = "53100" // disk_full

// fail turns an error of operation op into what the Store returns: nil and
// domain errors unchanged; a lost or refused connection, a timeout or a
// server shutting down as EUNAVAILABLE (the HTTP layer answers 503), with
// the cause kept for the log; anything else wrapped with op's name.
func (s *Store) fail(op string, err error) error {
	var de *connectd.Error
	switch {
	case err == nil || errors.As(err, &de):
		return err
	case sqlState(err) == codeReadOnly:
		return fmt.Errorf("postgres: %s: %w: %w", op, readOnly, err)
	case isUnavailable(err):
		return fmt.Errorf("postgres: %s: %w: %w", op, unavailable, err)
	case sqlState(err) == codeDiskFull:
		return fmt.Errorf("postgres: %s: %w: %w", op, diskFull, err)
	case sqlState(err) == codeUntranslatable || sqlState(err) == codeBadCharacter:
		return fmt.Errorf("postgres: %s: %w: %w", op, connectd.Errorf(connectd.EINVALID,
			"A value contains the character U+0000, which the database cannot store."), err)
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// sqlState returns the SQLSTATE of a server error in err's chain, or "".
func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// uniqueViolation returns the name of the unique constraint or index that
// err violated.
func uniqueViolation(err error) (constraint string, ok bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == codeUniqueViolation {
		return pgErr.ConstraintName, true
	}
	return "", false
}

// isUnavailable reports whether err means the database could not be used
// at all, as opposed to a query it rejected.
func isUnavailable(err error) bool {
	if code := sqlState(err); code != "" {
		switch {
		case strings.HasPrefix(code, "08"): // connection_exception
			return true
		case code == "57P01", code == "57P02", code == "57P03": // admin/crash shutdown, cannot connect now
			return true
		case code == "57P04": // database_dropped
			return true
		case code == codeReadOnly:
			// Not a bug in the request: the server is not (or no longer)
			// a writable primary. The pool is reset (see retry), so the
			// next attempt reconnects, and target_session_attrs picks
			// the host that is the primary now.
			return true
		case code == "53300": // too_many_connections
			return true
		case code == codeSerialization, code == codeDeadlock: // still failing after every retry
			return true
		}
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.Is(err, errNotPrimary) || errors.As(err, &connectErr) || errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.SafeToRetry(err) // "conn closed" and the like: the query never left
}

// errNotPrimary is a server that answers but cannot take writes: a
// standby, or one the fence refuses (see fence.go).
var errNotPrimary = errors.New("the server is not a writable primary")

// notPrimary reports whether err says the server is not a writable
// primary, as opposed to unreachable: then every pooled connection may be
// on the wrong server, and the pool is reset.
func notPrimary(err error) bool {
	return sqlState(err) == codeReadOnly || errors.Is(err, errNotPrimary)
}

// isConflict reports whether err is a serialization failure or a deadlock:
// the transaction lost to another and was rolled back.
func isConflict(err error) bool {
	code := sqlState(err)
	return code == codeSerialization || code == codeDeadlock
}

// retryable reports whether an attempt that failed with err, before any
// COMMIT was sent, may simply be run again: the server rolled it back, and
// a new attempt may succeed. That holds for serialization failures and
// deadlocks, and for a pooled connection that died (the server ended it,
// or the server restarted): the pool discards it and the next attempt gets
// a new one. A connection that could not even be opened means the server
// is down, and retrying would only make the caller wait.
func retryable(err error) bool {
	var connectErr *pgconn.ConnectError
	switch {
	case isConflict(err):
		return true
	case errors.As(err, &connectErr), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return false
	}
	return isUnavailable(err)
}

// endsSession reports whether the server ended the session with err
// (FATAL or PANIC, by the severity's untranslated name: the localized one
// is in the server's lc_messages), leaving a statement's outcome unknown.
func endsSession(err *pgconn.PgError) bool {
	switch cmp.Or(err.SeverityUnlocalized, err.Severity) {
	case "FATAL", "PANIC":
		return true
	}
	return false
}
