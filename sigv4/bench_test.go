package sigv4_test

import (
	"strings"
	"testing"
)

// BenchmarkVerify measures the hot path: an SDK-signed POST with a 1 KiB
// JSON body, signing key already cached.
func BenchmarkVerify(b *testing.B) {
	body := []byte(`{"Attributes":{"k":"` + strings.Repeat("v", 1000) + `"}}`)
	r, body, _ := signedWire(b, "POST", "http://connect.example/contact/attributes", body, connectCred)
	v := newVerifier(t0)
	if _, err := v.Verify(r, body); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := v.Verify(r, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyParallel is the same under concurrency, to show the key
// cache and buffer pool do not serialise requests.
func BenchmarkVerifyParallel(b *testing.B) {
	body := []byte(`{"Attributes":{"k":"` + strings.Repeat("v", 1000) + `"}}`)
	r, body, _ := signedWire(b, "POST", "http://connect.example/contact/attributes", body, connectCred)
	v := newVerifier(t0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.Verify(r, body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
