package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// readBody reads a request body whole. A body over the limit is 413; any
// other read error is the client's (a malformed chunked encoding, a body
// shorter than its Content-Length, a connection closed mid-body), so it is
// 400 SerializationException, not 500: the audit of issue 14 found 500s
// for both under --auth none. The body must be valid text (checkText).
func readBody(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, bodyReadError(err)
	}
	if err := checkText(body); err != nil {
		return nil, err
	}
	return body, nil
}

// bodyReadError is the wire error for a failure to read a request body.
func bodyReadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &wireError{exc: excTooLarge, message: fmt.Sprintf("The request body is larger than the limit of %d bytes.", tooLarge.Limit)}
	}
	return &wireError{exc: excSerialization, message: "The request body could not be read: " + err.Error() + "."}
}

// checkText refuses a body that is not valid UTF-8, or that escapes half of
// a UTF-16 surrogate pair ("\ud800"). encoding/json would turn either into
// U+FFFD and connectd would store a string the client never sent; the
// JSON RFC 8259 requires UTF-8, and the AWS services answer such bodies
// with a SerializationException.
func checkText(body []byte) error {
	if !utf8.Valid(body) {
		return &wireError{exc: excSerialization, message: fmt.Sprintf("The request body is not valid UTF-8 (at byte %d).", invalidAt(body))}
	}
	// Backslashes occur only inside JSON strings, so no string tracking is
	// needed; a body that is not JSON fails the decoder anyway.
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' || i+1 >= len(body) {
			continue
		}
		if body[i+1] != 'u' {
			i++ // skip the escaped character, which may be a backslash
			continue
		}
		r, ok := hex4(body, i+2)
		if !ok {
			continue // the decoder reports the malformed escape
		}
		switch {
		case utf16.IsSurrogate(r) && r < 0xdc00: // a high half: a low half must follow
			low, ok := rune(0), i+7 < len(body) && body[i+6] == '\\' && body[i+7] == 'u'
			if ok {
				low, ok = hex4(body, i+8)
			}
			if !ok || utf16.DecodeRune(r, low) == utf8.RuneError {
				return loneSurrogate(body, i)
			}
			i += 11
		case utf16.IsSurrogate(r):
			return loneSurrogate(body, i)
		default:
			i += 5
		}
	}
	return nil
}

func loneSurrogate(body []byte, at int) error {
	return &wireError{exc: excSerialization, message: fmt.Sprintf(
		"The request body is not valid UTF-8: %s at byte %d is half of a UTF-16 surrogate pair.", body[at:at+6], at)}
}

// hex4 reads the four hex digits of a \u escape at body[i:].
func hex4(body []byte, i int) (rune, bool) {
	if i+4 > len(body) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(body[i:i+4]), 16, 16)
	return rune(n), err == nil
}

// invalidAt returns the offset of the first byte of b that is not valid UTF-8.
func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// checkRequestText refuses a query string that does not parse (net/url
// drops a malformed pair, so "?maxResults=%zz" was served as if no
// maxResults had been sent) and query values or path labels that are not
// valid UTF-8 once unescaped ("%FF"), for the same reason as checkText.
func checkRequestText(r *http.Request, labels map[string]string) error {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return &wireError{exc: excSerialization, message: "The query string is malformed: " + err.Error() + "."}
	}
	for k, vs := range q {
		for _, v := range vs {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return &wireError{exc: excSerialization, message: fmt.Sprintf("Query parameter %q is not valid UTF-8.", strings.ToValidUTF8(k, "\uFFFD"))}
			}
		}
	}
	for name, v := range labels {
		if !utf8.ValidString(v) {
			return &wireError{exc: excSerialization, message: "Path parameter " + name + " is not valid UTF-8."}
		}
	}
	return nil
}
