package sigv4

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// appendCanonicalRequest appends the SigV4 canonical request of r to dst.
// It is built from the request as received, never from a re-encoding of
// decoded values, because the client signed the bytes it sent.
func appendCanonicalRequest(dst []byte, r *http.Request, si *sigInfo, payloadHash []byte) []byte {
	dst = append(dst, r.Method...)
	dst = append(dst, '\n')
	dst = appendCanonicalURI(dst, requestPath(r))
	dst = append(dst, '\n')
	dst = appendCanonicalQuery(dst, r.URL.RawQuery, si.presigned)
	dst = append(dst, '\n')
	dst = appendCanonicalHeaders(dst, r, si.signedHeaders)
	dst = append(dst, '\n')
	dst = append(dst, si.signedHeaders...)
	dst = append(dst, '\n')
	return append(dst, payloadHash...)
}

// requestPath returns the path exactly as the client sent it. On a server
// request that is the part of RequestURI before '?'; r.URL.EscapedPath() can
// differ from it when the client sent bytes Go would have escaped (raw UTF-8,
// as in AWS's get-utf8 test vector). Requests built in memory (no
// RequestURI) and absolute-form proxy requests fall back to EscapedPath,
// which is also what the Go SDK signs and writes.
func requestPath(r *http.Request) string {
	p := r.RequestURI
	if p == "" || p[0] != '/' {
		p = r.URL.EscapedPath()
	} else if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if p == "" {
		return "/"
	}
	return p
}

// appendCanonicalURI escapes every byte of the path as sent except the
// RFC 3986 unreserved characters and '/'. The path as sent is already
// escaped, so this escapes it a second time ("a b" travels as "a%20b" and is
// signed as "a%2520b"): that is what AWS does for every service except S3,
// and what aws-sdk-go-v2's signer does (httpbinding.EscapePath(path, false)
// when DisableURIPathEscaping is false). No dot-segment normalisation: the
// SDKs send paths without them, and Go's router does not remove them either.
func appendCanonicalURI(dst []byte, path string) []byte {
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c == '/' || isUnreserved(c) {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

const upperHex = "0123456789ABCDEF"

func isUnreserved(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// appendEscaped appends s with everything but unreserved characters
// percent-encoded (a space is %20, never '+').
func appendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// appendCanonicalQuery decodes each name and value the way url.ParseQuery
// does ('+' is a space; pairs with ';' or bad escapes are dropped, so the
// handler never sees a parameter the signature did not cover), re-encodes
// them, and sorts after encoding, as the SigV4 specification and the SDK do.
// The presigned form's X-Amz-Signature is not part of what it signs.
func appendCanonicalQuery(dst []byte, raw string, presigned bool) []byte {
	if raw == "" {
		return dst
	}
	var pairs []string // each "name=value", encoded
	var enc []byte
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" || strings.IndexByte(part, ';') >= 0 {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || presigned && k == "X-Amz-Signature" {
			continue
		}
		enc = appendEscaped(enc[:0], k)
		enc = append(enc, '=')
		enc = appendEscaped(enc, v)
		pairs = append(pairs, string(enc))
	}
	// Sorting "k=v" strings is not sorting by (k, v): '=' sorts before
	// some characters of a longer key. Compare the parts.
	slices.SortFunc(pairs, func(a, b string) int {
		ak, av, _ := strings.Cut(a, "=")
		bk, bv, _ := strings.Cut(b, "=")
		if c := strings.Compare(ak, bk); c != 0 {
			return c
		}
		return strings.Compare(av, bv)
	})
	for i, p := range pairs {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, p...)
	}
	return dst
}

// appendCanonicalHeaders appends "name:value\n" for each signed header, in
// the order the client listed them. host comes from r.Host because Go's
// server moves the Host header there.
func appendCanonicalHeaders(dst []byte, r *http.Request, signed string) []byte {
	for rest := signed; ; {
		name, more, found := strings.Cut(rest, ";")
		dst = append(dst, name...)
		dst = append(dst, ':')
		if name == "host" {
			dst = appendHeaderValue(dst, r.Host)
		} else {
			vals := headerValues(r.Header, name)
			if vals == nil && name == "content-length" && r.ContentLength >= 0 {
				// A request built in memory has ContentLength but no header.
				dst = strconv.AppendInt(dst, r.ContentLength, 10)
			}
			for i, v := range vals {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = appendHeaderValue(dst, v)
			}
		}
		dst = append(dst, '\n')
		if !found {
			return dst
		}
		rest = more
	}
}

// headerValues returns the values of the lowercase header name. The fast
// path looks up the canonical key built on the stack (the map lookup with
// string(bytes) does not allocate); the slow path covers keys a handler or
// test set without canonicalising, merging them in a stable order.
func headerValues(h http.Header, name string) []string {
	var buf [64]byte
	if len(name) <= len(buf) {
		k := buf[:len(name)]
		upper := true
		for i := 0; i < len(name); i++ {
			c := name[i]
			if upper && c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			k[i] = c
			upper = c == '-'
		}
		if v, ok := h[string(k)]; ok {
			return v
		}
	}
	var keys []string
	for k := range h {
		if strings.EqualFold(k, name) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 1 {
		return h[keys[0]]
	}
	sort.Strings(keys)
	var vals []string
	for _, k := range keys {
		vals = append(vals, h[k]...)
	}
	return vals
}

// appendHeaderValue trims the value and collapses runs of spaces, as the
// SDK signer does (StripExcessSpaces, then strings.TrimSpace).
func appendHeaderValue(dst []byte, v string) []byte {
	v = strings.TrimSpace(v)
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' && i > 0 && v[i-1] == ' ' {
			continue
		}
		dst = append(dst, v[i])
	}
	return dst
}
