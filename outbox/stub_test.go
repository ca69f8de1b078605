package outbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// stub is a real HTTP server speaking the JSON 1.1 protocol of Kinesis,
// Firehose and EventBridge: it dispatches on X-Amz-Target, as those
// services do, keeps every request body it accepted, and can be told to
// fail (500 InternalFailure) or to hang until the client gives up.
type stub struct {
	srv *httptest.Server

	mu     sync.Mutex
	calls  []call
	fail   bool
	hang   bool
	errors int
}

// call is one accepted request.
type call struct {
	Target string
	Body   map[string]any
}

func newStub(t *testing.T) *stub {
	s := &stub{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *stub) serve(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	fail, hang := s.fail, s.hang
	if fail {
		s.errors++
	}
	s.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if fail {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"ResourceNotFoundException","message":"stub told to fail"}`)
		return
	}
	if r.Header.Get("Content-Type") != "application/x-amz-json-1.1" || r.Header.Get("Authorization") == "" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"SerializationException","message":"want signed JSON 1.1"}`)
		return
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"SerializationException"}`)
		return
	}
	var resp string
	switch target {
	case "Kinesis_20131202.PutRecord":
		resp = `{"ShardId":"shardId-000000000000","SequenceNumber":"1"}`
	case "Firehose_20150804.PutRecordBatch":
		resp = `{"FailedPutCount":0,"Encrypted":false,"RequestResponses":[{"RecordId":"r1"}]}`
	case "AWSEvents.PutEvents":
		resp = `{"FailedEntryCount":0,"Entries":[{"EventId":"e1"}]}`
	default:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"UnknownOperationException"}`)
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, call{Target: target, Body: m})
	s.mu.Unlock()
	_, _ = io.WriteString(w, resp)
}

// set changes whether the stub fails or hangs.
func (s *stub) set(fail, hang bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail, s.hang = fail, hang
}

// received returns the accepted calls so far.
func (s *stub) received() []call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]call(nil), s.calls...)
}
