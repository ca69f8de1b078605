// Package sigv4 verifies AWS Signature Version 4 on incoming requests, so
// that connectd accepts what the AWS SDKs and CLI send and refuses what AWS
// would refuse, with AWS's exception names and messages.
//
// It handles the Authorization-header form and the presigned query-string
// form of AWS4-HMAC-SHA256. The canonical request is rebuilt from the
// request as received (path as sent, escaped once more as AWS does for
// every service but S3; query re-encoded and sorted; signed headers trimmed
// and joined), and the payload hash is always computed from the body, never
// taken from the client.
//
// Use: load credentials once (LoadCredentials), build one Verifier
// (NewVerifier) and call Verify from the HTTP layer with the request and its
// already-read body. On failure, Verify returns an *Error; its Kind,
// ExceptionName and Status say what to answer. When verification is off,
// ParseRequest (or ParseAuthorization) still identifies the caller's access
// key and region without checking anything.
//
// The package uses the standard library only and keeps no package-level
// state; a Verifier is safe for concurrent use and does not allocate on the
// hot path once it has seen a (key, day, region).
package sigv4
