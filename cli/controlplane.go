package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/aws/smithy-go"
)

// controlError is an error answered by connectd's control plane, which
// shapes its errors as AWS does: the exception in X-Amzn-ErrorType, the
// message in {"Message": ...}. It is a smithy.APIError, so it is reported
// like the SDK's errors.
type controlError struct {
	code, message string
}

func (e *controlError) Error() string        { return e.code + ": " + e.message }
func (e *controlError) ErrorCode() string    { return e.code }
func (e *controlError) ErrorMessage() string { return e.message }

// ErrorFault is unknown: the control plane does not say whose fault it is.
func (e *controlError) ErrorFault() smithy.ErrorFault { return smithy.FaultUnknown }

// control sends a request to connectd's control plane (under /_connectd/
// at the endpoint), signed when it can be (signControl), and returns the
// body of a 2xx answer.
func (a *app) control(method, path string, body []byte) ([]byte, error) {
	endpoint := a.endpoint()
	if !strings.Contains(endpoint, "://") {
		return nil, usagef("endpoint %q is not a URL", endpoint)
	}
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(a.ctx, method, strings.TrimRight(endpoint, "/")+path, r)
	if err != nil {
		return nil, usagef("endpoint %q: %v", endpoint, err)
	}
	// Every control-plane request that changes something must say
	// application/json (connectd's guard against web pages); saying it on
	// the others does no harm.
	req.Header.Set("Content-Type", "application/json")
	a.signControl(req, body)
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read the answer: %w", method, path, err)
	}
	if resp.StatusCode/100 == 2 {
		return b, nil
	}
	return nil, controlErrorOf(resp, b)
}

// controlErrorOf reads an AWS-shaped error answer. The header's value may
// carry a suffix after a colon (":http://internal.amazon.com/..."), which
// is not part of the name.
func controlErrorOf(resp *http.Response, body []byte) error {
	code, _, _ := strings.Cut(resp.Header.Get("X-Amzn-ErrorType"), ":")
	var msg struct{ Message string } // matched case-insensitively
	_ = json.Unmarshal(body, &msg)
	if code == "" {
		code = fmt.Sprintf("HTTP%d", resp.StatusCode)
	}
	if msg.Message == "" {
		msg.Message = strings.TrimSpace(string(body))
		if msg.Message == "" {
			msg.Message = resp.Status
		}
	}
	return &controlError{code: code, message: msg.Message}
}

// controlJSON sends a control-plane request with in (if not nil) as its
// JSON body, and decodes the answer into out (if not nil).
func (a *app) controlJSON(method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	b, err := a.control(method, path, body)
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: unexpected answer %q: %w", method, path, b, err)
	}
	return nil
}

var _ smithy.APIError = (*controlError)(nil)
