package main

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestSlowClientsAreCutOff: a client that sends half a request line and
// stalls, or idles on a keep-alive connection, is disconnected once the
// timeout passes, instead of holding a connection forever.
func TestSlowClientsAreCutOff(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "{}") })
	srv := newHTTPServer(h, slog.New(slog.DiscardHandler), timeouts{readHeader: 200 * time.Millisecond, read: time.Second, idle: 200 * time.Millisecond})
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	defer srv.Close()

	for _, tc := range []struct{ name, send string }{
		{"stalled headers", "GET /instance HTTP/1.1\r\nHost: x\r\n"},
		{"idle keep-alive", "GET /instance HTTP/1.1\r\nHost: x\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tc.send); err != nil {
				t.Fatal(err)
			}
			// Generous: the point is that the server closes at all.
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, err = io.ReadAll(conn)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("the server kept the connection open")
			}
		})
	}
}
