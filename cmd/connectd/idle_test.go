package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestIdleTrim: memory is freed once a spell without requests has lasted
// idleAfter, once per spell, and not while requests come.
func TestIdleTrim(t *testing.T) {
	t0 := time.Now()
	tr := newIdleTrim(t0)
	frees := 0
	tr.free = func() { frees++ }
	tr.check(t0.Add(idleAfter - time.Millisecond))
	if frees != 0 {
		t.Fatalf("freed %d times before idleAfter", frees)
	}
	tr.check(t0.Add(idleAfter))
	tr.check(t0.Add(2 * idleAfter))
	if frees != 1 {
		t.Fatalf("freed %d times in one idle spell, want 1", frees)
	}
	// A request through the wrapped handler starts a new spell.
	h := tr.wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusNoContent {
		t.Fatalf("the wrapped handler answered %d", rec.Code)
	}
	now := time.Now()
	tr.check(now.Add(idleAfter / 2))
	if frees != 1 {
		t.Fatalf("freed during a request's spell: %d", frees)
	}
	tr.check(now.Add(idleAfter + time.Second))
	if frees != 2 {
		t.Fatalf("freed %d times after a second idle spell, want 2", frees)
	}
}
