package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// exchange writes req to addr on a new connection and reads the answer.
func exchange(t *testing.T, addr, req string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer to %.60q: %v", req, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestFramingErrorsAreAWSShaped: requests net/http refuses before connectd
// sees them get the AWS JSON shape, not net/http's plain text.
func TestFramingErrorsAreAWSShaped(t *testing.T) {
	url, stop := startInProcess(t, "--data", ":memory:")
	defer stop()
	addr := strings.TrimPrefix(url, "http://")
	for _, tc := range []struct {
		name, req   string
		status      int
		exc, detail string
	}{
		{"bad header name", "GET /instance HTTP/1.1\r\nHost: x\r\nBad Header: v\r\n\r\n", 400, "InvalidRequestException", "not valid HTTP/1.1"},
		{"bad escape in the path", "GET /instance/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "InvalidRequestException", "not valid HTTP/1.1"},
		{"no Host", "GET /instance HTTP/1.1\r\n\r\n", 400, "InvalidRequestException", "missing required Host header"},
		{"headers over the server's limit", "GET /instance HTTP/1.1\r\nHost: x\r\nX-Pad: " + strings.Repeat("p", 300<<10) + "\r\n\r\n", 431, "RequestHeaderFieldsTooLargeException", "larger than"},
		{"unknown transfer encoding", "POST /instance HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "NotImplementedException", "Transfer-Encoding"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := exchange(t, addr, tc.req)
			var body struct{ Message string }
			err := json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tc.status || resp.Header.Get("X-Amzn-ErrorType") != tc.exc ||
				resp.Header.Get("Content-Type") != "application/json" || err != nil || !strings.Contains(body.Message, tc.detail) {
				t.Fatalf("got %d %v %q (%v), want %d %s saying %q", resp.StatusCode, resp.Header, body.Message, err, tc.status, tc.exc, tc.detail)
			}
		})
	}
	// connectd's own answers pass unchanged.
	resp := exchange(t, addr, "GET /_connectd/health HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("health through the wrapper: %d %v", resp.StatusCode, resp.Header)
	}
}

// TestConnectionCap: connections past --max-connections wait to be
// accepted (and so take no file descriptor of the server's) until one of
// the others closes.
func TestConnectionCap(t *testing.T) {
	url, stop := startInProcess(t, "--data", ":memory:", "--max-connections", "2")
	defer stop()
	addr := strings.TrimPrefix(url, "http://")
	var idle []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		idle = append(idle, c)
	}
	client := &http.Client{Timeout: 500 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := client.Get(url + "/_connectd/health"); err == nil {
		resp.Body.Close()
		t.Fatalf("a third connection was served (%d) while two were open", resp.StatusCode)
	}
	idle[0].Close()
	client.Timeout = 10 * time.Second
	resp, err := client.Get(url + "/_connectd/health")
	if err != nil {
		t.Fatalf("after one closed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("after one closed: %d", resp.StatusCode)
	}
}
