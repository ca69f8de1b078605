// Package lambdastub is a Lambda Invoke API server for tests: Go
// functions registered by ARN answer POST
// /2015-03-31/functions/{FunctionName}/invocations as AWS Lambda does, so
// connectd's flows call them through the real Go SDK client.
package lambdastub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Func is a Lambda function: it gets the event and returns the value to
// encode as its result, or an error: a function error (X-Amz-Function-Error
// Unhandled), unless it is a *ServiceError.
type Func func(ctx context.Context, event json.RawMessage) (any, error)

// ServiceError, returned by a Func, makes the Invoke call fail as the
// Lambda service fails it rather than the function: Status 429 with Type
// TooManyRequestsException is a throttled invocation, 500 ServiceException
// a service failure (the errors Amazon Connect retries).
type ServiceError struct {
	Status  int
	Type    string
	Message string
}

// Error implements the error interface.
func (e *ServiceError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Type, e.Message) }

// Server serves the Invoke API for its registered functions. The zero
// value is not usable; call New.
type Server struct {
	mu    sync.Mutex
	funcs map[string]Func
}

// New returns a Server with no functions.
func New() *Server { return &Server{funcs: map[string]Func{}} }

// Register makes fn answer invocations of arn (or of its function name,
// the last ":"-separated part of the ARN, as Lambda accepts either).
func (s *Server) Register(arn string, fn Func) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.funcs[arn] = fn
}

func (s *Server) lookup(name string) Func {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fn, ok := s.funcs[name]; ok {
		return fn
	}
	for arn, fn := range s.funcs {
		if parts := strings.Split(arn, ":"); len(parts) > 0 && parts[len(parts)-1] == name {
			return fn
		}
	}
	return nil
}

// ServeHTTP implements the Invoke operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const prefix, suffix = "/2015-03-31/functions/", "/invocations"
	path := r.URL.EscapedPath()
	if r.Method != http.MethodPost || !strings.HasPrefix(path, prefix) || !strings.HasSuffix(path, suffix) {
		writeError(w, http.StatusNotFound, "UnknownOperationException", "lambdastub serves only Invoke.")
		return
	}
	name, err := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(path, prefix), suffix))
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidParameterValueException", "bad function name")
		return
	}
	fn := s.lookup(name)
	if fn == nil {
		writeError(w, http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+name)
		return
	}
	event, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequestContentException", "unreadable body")
		return
	}
	out, ferr := fn(r.Context(), event)
	var se *ServiceError
	if errors.As(ferr, &se) {
		writeError(w, se.Status, se.Type, se.Message)
		return
	}
	if r.Header.Get("X-Amz-Invocation-Type") == "Event" {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if ferr != nil {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		out = map[string]any{"errorMessage": ferr.Error(), "errorType": "Error"}
	}
	b, err := json.Marshal(out)
	if err != nil {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		b = []byte(fmt.Sprintf(`{"errorMessage":%q}`, err.Error()))
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, exc, msg string) {
	w.Header().Set("X-Amzn-ErrorType", exc)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"Type": "User", "message": msg})
}
