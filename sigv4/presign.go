package sigv4

import (
	"net/url"
	"strconv"
	"strings"
)

// hasPresignQuery reports whether the raw query has a presigned-request
// parameter. It scans the raw string so the header form never parses the
// query; the SDKs write these names unescaped.
func hasPresignQuery(raw string) bool {
	if !strings.Contains(raw, "X-Amz-") {
		return false
	}
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		switch k, _, _ := strings.Cut(part, "="); k {
		case "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders":
			return true
		}
	}
	return false
}

const msgQueryParams = "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', " +
	"'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."

func (si *sigInfo) parseQuery(raw string) *Error {
	q, _ := url.ParseQuery(raw) // pairs Go cannot parse are dropped, as they are for the handler
	si.presigned, si.query, si.expires = true, q, -1
	get := func(k string) (string, bool) {
		v := q[k]
		if len(v) != 1 {
			return "", false
		}
		return v[0], true
	}
	alg, ok1 := get("X-Amz-Algorithm")
	cred, ok2 := get("X-Amz-Credential")
	sig, ok3 := get("X-Amz-Signature")
	date, ok4 := get("X-Amz-Date")
	signed, ok5 := get("X-Amz-SignedHeaders")
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return errorf(KindIncomplete, msgQueryParams)
	}
	if alg != algorithm {
		return errorf(KindIncomplete, "X-Amz-Algorithm only supports '"+algorithm+"'.")
	}
	if err := si.parseParts(cred, signed, sig); err != nil {
		return err
	}
	si.amzDate = date
	if err := si.checkDate(); err != nil {
		return err
	}
	if v, ok := q["X-Amz-Expires"]; ok {
		n, err := strconv.ParseInt(v[0], 10, 64)
		switch {
		case len(v) != 1 || err != nil || n < 0:
			return errorf(KindIncomplete, "X-Amz-Expires should be a number of seconds, got '"+v[0]+"'.")
		case n > maxPresignExpires:
			return errorf(KindIncomplete, "X-Amz-Expires must be less than a week (in seconds) that is 604800.")
		}
		si.expires = n
	}
	return nil
}
