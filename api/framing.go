package api

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// WrapListener returns ln with every connection's framing errors answered in
// the AWS JSON shape. net/http answers a request it cannot parse (a bad
// header line, a "%zz" in the path, headers past http.Server.MaxHeaderBytes,
// an unknown Transfer-Encoding) itself, before any handler runs, with a
// plain-text body and no X-Amzn-ErrorType, so an SDK reports an unnamed
// error. http.Server has no hook for those answers; they are written to the
// connection in a single Write with a fixed set of headers, which is what
// this wrapper recognizes and rewrites. Everything else passes unchanged:
// connectd's own answers are always application/json.
func WrapListener(ln net.Listener) net.Listener { return framingListener{ln} }

type framingListener struct{ net.Listener }

func (l framingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return framingConn{c}, nil
}

type framingConn struct{ net.Conn }

func (c framingConn) Write(b []byte) (int, error) {
	if out, ok := rewriteFramingError(b); ok {
		if _, err := c.Conn.Write(out); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	return c.Conn.Write(b)
}

// netHTTPErrorHeaders are the headers net/http's conn.serve writes with every
// error it answers itself (go/src/net/http/server.go, "errorHeaders").
const netHTTPErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// rewriteFramingError turns one of net/http's own error answers into an
// AWS-shaped one; ok is false for anything else.
func rewriteFramingError(b []byte) (out []byte, ok bool) {
	rest, found := bytes.CutPrefix(b, []byte("HTTP/1.1 "))
	if !found {
		return nil, false
	}
	statusLine, body, found := bytes.Cut(rest, []byte(netHTTPErrorHeaders))
	if !found || len(statusLine) < 3 {
		return nil, false
	}
	code, err := strconv.Atoi(string(statusLine[:3]))
	if err != nil || code < 400 {
		return nil, false
	}
	exc, msg := framingException(code, string(body))
	payload, _ := json.Marshal(struct {
		Message string `json:"Message"`
	}{msg})
	var w bytes.Buffer
	w.WriteString("HTTP/1.1 " + strconv.Itoa(code) + " " + http.StatusText(code) + "\r\n")
	w.WriteString("Content-Type: application/json\r\n")
	w.WriteString("X-Amzn-ErrorType: " + exc + "\r\n")
	w.WriteString("x-amzn-RequestId: " + uuid.NewString() + "\r\n")
	w.WriteString("Content-Length: " + strconv.Itoa(len(payload)) + "\r\n")
	w.WriteString("Connection: close\r\n\r\n")
	w.Write(payload)
	return w.Bytes(), true
}

// framingException names the exception and message for net/http's answer
// with status code and plain-text body ("400 Bad Request: missing required
// Host header", or only "400 Bad Request").
func framingException(code int, body string) (exc, message string) {
	prefix := strconv.Itoa(code) + " " + http.StatusText(code)
	detail := strings.TrimPrefix(strings.TrimPrefix(body, prefix), ": ")
	switch code {
	case http.StatusRequestHeaderFieldsTooLarge:
		return excHeadersTooLarge, "The request line and headers are larger than the server accepts."
	case http.StatusNotImplemented:
		return excNotImplemented, "The request's Transfer-Encoding is not supported."
	}
	if detail == "" || detail == body {
		detail = "a malformed request line or header, or a malformed %-escape in the path"
	}
	return excInvalidRequest, "The request is not valid HTTP/1.1: " + detail + "."
}
