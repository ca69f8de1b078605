package sigv4

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	algorithm   = "AWS4-HMAC-SHA256"
	amzDateForm = "20060102T150405Z"
	// maxPresignExpires is a week, the longest presigned URL AWS accepts.
	maxPresignExpires = 7 * 24 * 60 * 60
	// maxSignedHeaders bounds the work one request can ask for; SDKs sign
	// about ten headers.
	maxSignedHeaders = 128
)

// Authorization is the parsed, unverified signature information of a
// request.
type Authorization struct {
	AccessKeyId   string   // the caller's key id, not yet checked against anything
	Date          string   // yyyymmdd, from the credential scope
	Region        string   // from the credential scope
	Service       string   // from the credential scope
	SignedHeaders []string // lowercase, in the order the client listed them
	Signature     string   // hex
}

// sigInfo is what parsing yields, without allocations: every string is a
// substring of the header or query it came from.
type sigInfo struct {
	accessKeyID, date, region, service, terminator string
	signedHeaders                                  string // raw, ';'-separated
	signature                                      [32]byte
	signatureHex                                   string

	presigned bool
	amzDate   string // X-Amz-Date as sent
	expires   int64  // X-Amz-Expires, -1 if absent (presigned only)
	query     url.Values
}

// ParseAuthorization parses an Authorization header of the AWS4-HMAC-SHA256
// form without verifying it, to identify the caller when verification is off.
// It checks the shape only (all three parameters, a five-part credential
// scope, signed headers including host, a hex signature); the scope's service
// and terminator are Verify's business. Errors are *Error of KindIncomplete.
func ParseAuthorization(h string) (Authorization, error) {
	var si sigInfo
	if err := si.parseHeader(h); err != nil {
		return Authorization{}, err
	}
	return si.export(), nil
}

// ParseRequest is ParseAuthorization for a whole request: it reads the
// Authorization header or, failing that, a presigned query string. A request
// with neither yields KindMissing. Like ParseAuthorization it does not verify.
func ParseRequest(r *http.Request) (Authorization, error) {
	var si sigInfo
	if err := si.parseRequest(r); err != nil {
		return Authorization{}, err
	}
	return si.export(), nil
}

func (si *sigInfo) export() Authorization {
	return Authorization{
		AccessKeyId:   si.accessKeyID,
		Date:          si.date,
		Region:        si.region,
		Service:       si.service,
		SignedHeaders: strings.Split(si.signedHeaders, ";"),
		Signature:     si.signatureHex,
	}
}

func (si *sigInfo) parseRequest(r *http.Request) *Error {
	auth := r.Header["Authorization"]
	presigned := hasPresignQuery(r.URL.RawQuery)
	switch {
	case len(auth) > 1:
		return errorf(KindIncomplete, "Only one Authorization header is allowed.")
	case len(auth) == 1 && presigned:
		// Two signatures that could disagree; AWS refuses the ambiguity too.
		return errorf(KindIncomplete, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.")
	case len(auth) == 1:
		if err := si.parseHeader(auth[0]); err != nil {
			return err
		}
		si.amzDate = r.Header.Get("X-Amz-Date")
		if si.amzDate == "" {
			return errorf(KindIncomplete, "Authorization header requires existence of a 'X-Amz-Date' header. Authorization="+auth[0])
		}
		return si.checkDate()
	case presigned:
		return si.parseQuery(r.URL.RawQuery)
	}
	return errorf(KindMissing, msgMissing)
}

func (si *sigInfo) parseHeader(h string) *Error {
	alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if alg != algorithm {
		return errorf(KindIncomplete, "Unsupported AWS 'algorithm': '"+alg+"'. Only '"+algorithm+"' is supported.")
	}
	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			return errorf(KindIncomplete, "'"+part+"' not a valid key=value pair (missing equal-sign) in Authorization header: '"+h+"'.")
		}
		var dst *string
		var seen *bool
		switch name {
		case "Credential":
			dst, seen = &cred, &haveCred
		case "SignedHeaders":
			dst, seen = &signed, &haveSigned
		case "Signature":
			dst, seen = &sig, &haveSig
		default:
			continue // unknown parameters are ignored, for forward compatibility
		}
		if *seen {
			return errorf(KindIncomplete, "Authorization header has '"+name+"' more than once.")
		}
		*dst, *seen = value, true
	}
	if !haveCred || !haveSigned || !haveSig {
		var b strings.Builder
		for _, p := range [...]struct {
			have bool
			name string
		}{{haveCred, "Credential"}, {haveSig, "Signature"}, {haveSigned, "SignedHeaders"}} {
			if !p.have {
				b.WriteString("Authorization header requires '" + p.name + "' parameter. ")
			}
		}
		b.WriteString("Authorization=" + h)
		return errorf(KindIncomplete, b.String())
	}
	return si.parseParts(cred, signed, sig)
}

// parseParts checks the three values shared by the header and query forms.
func (si *sigInfo) parseParts(cred, signed, sig string) *Error {
	var parts [5]string
	rest := cred
	if strings.Count(cred, "/") == 4 {
		for i := range parts {
			parts[i], rest, _ = strings.Cut(rest, "/")
		}
	}
	for _, p := range parts {
		if p == "" {
			return errorf(KindIncomplete, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '"+cred+"'")
		}
	}
	si.accessKeyID, si.date, si.region, si.service, si.terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	if !isDigits(si.date, 8) {
		return errorf(KindIncomplete, "Invalid credential date '"+si.date+"'. Date is not the required format: yyyyMMdd.")
	}
	if !validRegion(si.region) {
		return errorf(KindIncomplete, "Credential should be scoped to a valid region, not '"+si.region+"'.")
	}
	if err := checkSignedHeaders(signed); err != nil {
		return err
	}
	si.signedHeaders = signed
	if len(sig) != 2*len(si.signature) {
		return errorf(KindIncomplete, "Signature must be 64 hexadecimal characters, got "+strconv.Itoa(len(sig))+".")
	}
	if _, err := hex.Decode(si.signature[:], []byte(sig)); err != nil {
		return errorf(KindIncomplete, "Signature must be 64 hexadecimal characters.")
	}
	si.signatureHex = sig
	return nil
}

// validRegion keeps the region, which callers use as a storage key, to the
// characters real regions use.
func validRegion(s string) bool {
	if len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// checkSignedHeaders requires lowercase header names (the canonical form the
// signature covers) and host, without which a signature could be replayed
// against another endpoint.
func checkSignedHeaders(s string) *Error {
	hasHost := false
	if strings.Count(s, ";") >= maxSignedHeaders {
		return errorf(KindIncomplete, "SignedHeaders lists more than "+strconv.Itoa(maxSignedHeaders)+" headers.")
	}
	for rest := s; ; {
		name, more, found := strings.Cut(rest, ";")
		if name == "" {
			return errorf(KindIncomplete, "SignedHeaders must be a ';'-separated list of header names, got '"+s+"'.")
		}
		for i := 0; i < len(name); i++ {
			if !isLowerTchar(name[i]) {
				return errorf(KindIncomplete, "SignedHeaders must be lowercase header names, got '"+s+"'.")
			}
		}
		hasHost = hasHost || name == "host"
		if !found {
			break
		}
		rest = more
	}
	if !hasHost {
		return errorf(KindIncomplete, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	return nil
}

// isLowerTchar reports whether c may appear in a lowercased header name
// (RFC 9110 token characters, minus uppercase letters).
func isLowerTchar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func (si *sigInfo) checkDate() *Error {
	if len(si.amzDate) != len(amzDateForm) {
		return errorf(KindIncomplete, "Date must be in ISO-8601 'basic format'. Got '"+si.amzDate+"'. See http://en.wikipedia.org/wiki/ISO_8601")
	}
	if _, err := time.Parse(amzDateForm, si.amzDate); err != nil {
		return errorf(KindIncomplete, "Date must be in ISO-8601 'basic format'. Got '"+si.amzDate+"'. See http://en.wikipedia.org/wiki/ISO_8601")
	}
	return nil
}
