package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"sync"
	"sync/atomic"
)

// maxCachedKeys bounds the signing-key cache. A key is valid for one
// (access key, day, region); a busy server needs a handful per day. When the
// cache is full it starts over, which drops yesterday's keys.
const maxCachedKeys = 256

type scopeKey struct{ accessKeyID, date, region string }

// keyCache maps a credential scope to its derived signing key. Readers load
// an immutable map through an atomic pointer, so the hot path takes no lock;
// writers copy it. Only keys that have verified a signature are stored, so
// a caller without the secret cannot churn the cache with invented scopes.
type keyCache struct {
	mu sync.Mutex // serialises writers
	m  atomic.Pointer[map[scopeKey][32]byte]
}

func (c *keyCache) load(k scopeKey) ([32]byte, bool) {
	if m := c.m.Load(); m != nil {
		key, ok := (*m)[k]
		return key, ok
	}
	return [32]byte{}, false
}

func (c *keyCache) store(k scopeKey, key [32]byte) {
	// Clone: k's strings point into a request header we must not pin.
	k = scopeKey{strings.Clone(k.accessKeyID), strings.Clone(k.date), strings.Clone(k.region)}
	c.mu.Lock()
	defer c.mu.Unlock()
	next := make(map[scopeKey][32]byte)
	if old := c.m.Load(); old != nil && len(*old) < maxCachedKeys {
		for ok, ov := range *old {
			next[ok] = ov
		}
	}
	next[k] = key
	c.m.Store(&next)
}

// deriveKey computes the SigV4 signing key:
// HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
func deriveKey(secret, date, region, service string) [32]byte {
	mac := func(key []byte, data string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(data))
		return h.Sum(nil)
	}
	k := mac([]byte("AWS4"+secret), date)
	k = mac(k, region)
	k = mac(k, service)
	k = mac(k, "aws4_request")
	return [32]byte(k)
}

// hmacSHA256InPlace computes HMAC-SHA256 (RFC 2104) of buf[64:] under key,
// using buf[:64] as scratch for the inner padded key. It exists because
// hmac.New allocates about half a kilobyte per call and this runs once per
// request; TestHMACInPlace checks it against crypto/hmac.
func hmacSHA256InPlace(key *[32]byte, buf []byte) [32]byte {
	var outer [64 + 32]byte
	for i := 0; i < 64; i++ {
		var k byte
		if i < len(key) {
			k = key[i]
		}
		buf[i] = k ^ 0x36
		outer[i] = k ^ 0x5c
	}
	inner := sha256.Sum256(buf)
	copy(outer[64:], inner[:])
	return sha256.Sum256(outer[:])
}
