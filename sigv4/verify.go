package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configures a Verifier. The zero value verifies for Amazon Connect
// with AWS's 15-minute clock-skew window against the real clock.
type Options struct {
	// Service is the service name the credential scope must name
	// (default "connect").
	Service string
	// MaxSkew is how far X-Amz-Date may be from the server's clock, either
	// way (default 15 minutes, as AWS).
	MaxSkew time.Duration
	// Now tells the time (default time.Now). Inject a clock in tests.
	Now func() time.Time
}

// Result identifies the caller of a verified request.
type Result struct {
	AccessKeyId string
	AccountId   string // from the credential; empty if the file gave none
	Region      string // from the credential scope
}

// Verifier checks SigV4 signatures against a fixed set of credentials. It
// is safe for concurrent use.
type Verifier struct {
	creds   map[string]Credential
	service string
	maxSkew time.Duration
	now     func() time.Time
	keys    keyCache
	bufs    sync.Pool // *[]byte scratch for the canonical request
}

// NewVerifier returns a Verifier for creds. If an AccessKeyId repeats, the
// first entry wins (LoadCredentials rejects repeats).
func NewVerifier(creds []Credential, opts Options) *Verifier {
	v := &Verifier{
		creds:   make(map[string]Credential, len(creds)),
		service: opts.Service,
		maxSkew: opts.MaxSkew,
		now:     opts.Now,
	}
	for _, c := range creds {
		if _, dup := v.creds[c.AccessKeyId]; !dup {
			v.creds[c.AccessKeyId] = c
		}
	}
	if v.service == "" {
		v.service = "connect"
	}
	if v.maxSkew <= 0 {
		v.maxSkew = 15 * time.Minute
	}
	if v.now == nil {
		v.now = time.Now
	}
	v.bufs.New = func() any { b := make([]byte, 0, 1024); return &b }
	return v
}

// Verify checks r's signature, in the Authorization header or a presigned
// query string. body is the full request body: the payload hash is always
// computed here, and X-Amz-Content-Sha256 is only compared with it. On
// failure the error is an *Error whose Kind tells the HTTP layer what to
// answer.
func (v *Verifier) Verify(r *http.Request, body []byte) (Result, error) {
	var si sigInfo
	if err := si.parseRequest(r); err != nil {
		return Result{}, err
	}
	cred, ok := v.creds[si.accessKeyID]
	if !ok {
		return Result{}, errorf(KindUnknownKey, msgUnknown)
	}
	if err := v.checkScope(&si); err != nil {
		return Result{}, err
	}
	if err := v.checkTime(&si); err != nil {
		return Result{}, err
	}
	if cred.SessionToken != "" {
		tok := r.Header.Get("X-Amz-Security-Token")
		if si.presigned && tok == "" {
			tok = si.query.Get("X-Amz-Security-Token")
		}
		if subtle.ConstantTimeCompare([]byte(tok), []byte(cred.SessionToken)) != 1 {
			return Result{}, errorf(KindInvalid, msgUnknown)
		}
	}
	var payload [64]byte
	claimed := r.Header.Get("X-Amz-Content-Sha256")
	if si.presigned && claimed == "" {
		claimed = si.query.Get("X-Amz-Content-Sha256")
	}
	ph := payload[:]
	if si.presigned && claimed == "UNSIGNED-PAYLOAD" {
		ph = append(payload[:0], claimed...)
	} else {
		sum := sha256.Sum256(body)
		hex.Encode(payload[:], sum[:])
		if claimed != "" && !strings.EqualFold(claimed, string(payload[:])) {
			return Result{}, errorf(KindInvalid, msgContentSHA)
		}
	}

	sk := scopeKey{si.accessKeyID, si.date, si.region}
	key, cached := v.keys.load(sk)
	if !cached {
		key = deriveKey(cred.SecretAccessKey, si.date, si.region, v.service)
	}
	bp := v.bufs.Get().(*[]byte)
	buf := appendCanonicalRequest((*bp)[:0], r, &si, ph)
	crHash := sha256.Sum256(buf)
	buf = appendStringToSign(buf[:0], &si, &crHash)
	mac := hmacSHA256InPlace(&key, buf)
	if cap(buf) <= 64<<10 {
		*bp = buf
		v.bufs.Put(bp)
	}
	if !hmac.Equal(mac[:], si.signature[:]) {
		return Result{}, errorf(KindInvalid, msgInvalid)
	}
	if !cached {
		v.keys.store(sk, key)
	}
	return Result{AccessKeyId: cred.AccessKeyId, AccountId: cred.AccountId, Region: si.region}, nil
}

// appendStringToSign appends 64 bytes of room for hmacSHA256InPlace, then
// the string to sign.
func appendStringToSign(dst []byte, si *sigInfo, crHash *[32]byte) []byte {
	var pad [64]byte
	dst = append(dst, pad[:]...)
	dst = append(dst, algorithm+"\n"...)
	dst = append(dst, si.amzDate...)
	dst = append(dst, '\n')
	dst = append(dst, si.date...)
	dst = append(dst, '/')
	dst = append(dst, si.region...)
	dst = append(dst, '/')
	dst = append(dst, si.service...)
	dst = append(dst, '/')
	dst = append(dst, si.terminator...)
	dst = append(dst, '\n')
	return hex.AppendEncode(dst, crHash[:])
}

func (v *Verifier) checkScope(si *sigInfo) *Error {
	switch {
	case si.service != v.service:
		return errorf(KindInvalid, "Credential should be scoped to correct service: '"+v.service+"'.")
	case si.terminator != "aws4_request":
		return errorf(KindInvalid, "Credential should be scoped with a valid terminator: 'aws4_request', not '"+si.terminator+"'.")
	case si.date != si.amzDate[:8]:
		return errorf(KindInvalid, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"+
			si.date+"' != '"+si.amzDate[:8]+"', from '"+si.amzDate+"'.")
	}
	return nil
}

// checkTime applies the skew window, or for a presigned request with
// X-Amz-Expires, its validity period. The clock is truncated to whole
// seconds, the resolution of X-Amz-Date, so "exactly MaxSkew" passes.
func (v *Verifier) checkTime(si *sigInfo) *Error {
	t, _ := time.Parse(amzDateForm, si.amzDate) // validated by parseRequest
	now := v.now().UTC().Truncate(time.Second)
	if t.Sub(now) > v.maxSkew {
		return errorf(KindInvalid, "Signature not yet current: "+si.amzDate+" is still later than "+
			now.Add(v.maxSkew).Format(amzDateForm)+" ("+now.Format(amzDateForm)+" + "+skewText(v.maxSkew)+")")
	}
	if si.presigned && si.expires >= 0 {
		if end := t.Add(time.Duration(si.expires) * time.Second); now.After(end) {
			return errorf(KindInvalid, "Signature expired: "+end.Format(amzDateForm)+" is now earlier than "+
				now.Format(amzDateForm)+" ("+si.amzDate+" + "+strconv.FormatInt(si.expires, 10)+" sec.)")
		}
		return nil
	}
	if now.Sub(t) > v.maxSkew {
		return errorf(KindInvalid, "Signature expired: "+si.amzDate+" is now earlier than "+
			now.Add(-v.maxSkew).Format(amzDateForm)+" ("+now.Format(amzDateForm)+" - "+skewText(v.maxSkew)+")")
	}
	return nil
}

// skewText writes the window as AWS does ("15 min."), falling back to Go's
// notation for windows that are not whole minutes.
func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min."
	}
	return d.String() + "."
}
